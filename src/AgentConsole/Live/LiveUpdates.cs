using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;

namespace WebTicketing.AgentConsole.Live;

public static class LiveUpdates
{
    public const string HubPath = "/hubs/cases";

    public static IServiceCollection AddLiveUpdates(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR().AddRealtimeBackplane(configuration);
        services.AddHostedService<CaseChangeBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapLiveUpdates(this IEndpointRouteBuilder app)
    {
        app.MapHub<CaseHub>(HubPath);
        return app;
    }

    public static string Organization(int id) => $"org:{id}";
    public static string SupportGroup(int id) => $"sg:{id}";
    public const string AllCases = "staff:all";
    public static string CaseForStaff(int id) => $"case:{id}:staff";
    public static string CaseForCustomer(int id) => $"case:{id}:public";
}

/// <summary>
/// Pages join the groups that match what they may see: customers their organization, agents their support groups;
/// a detail page its case. The groups decide who hears of a change, so a customer never hears of an internal note.
/// </summary>
[Authorize]
public sealed class CaseHub(CurrentUser current, WebTicketingDb db) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var user = current.For(Context.User!);
        if (user.IsStaff)
        {
            foreach (var group in await user.SupportGroupIdsAsync(Context.ConnectionAborted))
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.SupportGroup(group));
            }
        }
        else if (user.OrganizationId is { } organization)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.Organization(organization));
        }
        await base.OnConnectedAsync();
    }

    /// <summary>A list showing every case (supervisors, or an agent who asked for all) hears of every change.</summary>
    public async Task WatchAll()
    {
        if (current.For(Context.User!).IsStaff)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.AllCases);
        }
    }

    public async Task WatchCase(string number)
    {
        var user = current.For(Context.User!);
        var found = await db.Cases.AsNoTracking().Where(c => c.Number == number)
            .Select(c => new { c.Id, c.OrganizationId }).SingleOrDefaultAsync(Context.ConnectionAborted);
        if (found is not null && user.MaySee(found.OrganizationId))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId,
                user.IsStaff ? LiveUpdates.CaseForStaff(found.Id) : LiveUpdates.CaseForCustomer(found.Id));
        }
    }
}

public sealed record CaseChanged(string Number, string Kind, string Status, int Version);

public sealed record CallTransferred(string? Caller, string? CaseNumber, int? Severity, string? Status, DateTimeOffset? SlaDueAt, bool SlaBreached, int Tier);

/// <summary>
/// Cases change in other processes too (the IVR, SMS webhooks, jobs), so the console does not rely on its own edits:
/// it polls the timeline and the transferred calls by id (the primary key, so each poll is one cheap range read)
/// and broadcasts what is new.
/// </summary>
internal sealed partial class CaseChangeBroadcaster(
    IServiceScopeFactory scopes,
    IHubContext<CaseHub> hub,
    TimeProvider time,
    ILogger<CaseChangeBroadcaster> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private long lastEventId = -1;
    private long lastCallId = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task PollAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        if (lastEventId < 0)
        {
            // Start from now: pages loaded after start-up already show the past.
            lastEventId = await db.CaseEvents.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;
            lastCallId = await db.TransferredCalls.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
            return;
        }

        var events = await db.CaseEvents.AsNoTracking()
            .Where(e => e.Id > lastEventId)
            .OrderBy(e => e.Id)
            .Take(500)
            .Select(e => new { e.Id, e.CaseId, e.Kind, e.IsPublic, e.Case.Number, e.Case.OrganizationId, e.Case.SupportGroupId, e.Case.Status, e.Case.Version })
            .ToListAsync(cancellationToken);
        foreach (var e in events)
        {
            var message = new CaseChanged(e.Number, e.Kind.ToString(), e.Status.ToString(), e.Version);
            await hub.Clients.Groups(LiveUpdates.CaseForStaff(e.CaseId), LiveUpdates.SupportGroup(e.SupportGroupId), LiveUpdates.AllCases)
                .SendAsync("caseChanged", message, cancellationToken);
            if (e.IsPublic)
            {
                await hub.Clients.Groups(LiveUpdates.CaseForCustomer(e.CaseId), LiveUpdates.Organization(e.OrganizationId))
                    .SendAsync("caseChanged", message, cancellationToken);
            }
            lastEventId = e.Id;
        }

        var calls = await db.TransferredCalls.AsNoTracking()
            .Where(c => c.Id > lastCallId)
            .OrderBy(c => c.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var call in calls)
        {
            var @case = call.CaseId is { } caseId
                ? await db.Cases.AsNoTracking().Where(c => c.Id == caseId)
                    .Select(c => new { c.Number, c.Severity, c.Status, c.Sla.NextDueAt, Breached = c.Sla.FirstTargetBreached || c.Sla.ResolutionBreached })
                    .SingleOrDefaultAsync(cancellationToken)
                : null;
            var message = new CallTransferred(call.CallerPhone, @case?.Number, (int?)@case?.Severity, @case?.Status.ToString(),
                @case?.NextDueAt, @case?.Breached ?? false, call.Tier);
            await hub.Clients.Group(LiveUpdates.SupportGroup(call.SupportGroupId)).SendAsync("callTransferred", message, cancellationToken);
            lastCallId = call.Id;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Polling case changes failed; retrying next tick")]
    private partial void LogPollFailed(Exception exception);
}
