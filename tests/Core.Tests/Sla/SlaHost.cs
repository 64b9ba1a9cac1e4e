using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Sla;

/// <summary>A Core host with the test directory plus the people SLA messages go to.</summary>
public sealed class SlaHost(CoreTestHost host, TestDirectory directory) : IAsyncDisposable
{
    public const string SupervisorPhone = "+34600000900";
    public const string AssigneePhone = "+34600000500";
    public const string NetworkTier1 = "+34910000002";
    public const string NetworkTier2 = "+34910000022";

    public CoreTestHost Host => host;
    public TestDirectory Directory => directory;
    public Agent Supervisor { get; private set; } = null!;
    public Agent EnglishAgent { get; private set; } = null!;
    public static readonly Actor Staff = Actor.ForAgent(1, "Carmen");

    public static async Task<SlaHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = await CoreTestHost.StartAsync(settings: settings);
        var directory = await host.WithDbAsync(TestDirectory.SeedAsync);
        var sla = new SlaHost(host, directory);
        await sla.AddPeopleAsync();
        return sla;
    }

    public static async Task<SlaHost> AttachAsync(CoreTestHost host, TestDirectory directory)
    {
        var sla = new SlaHost(host, directory);
        await sla.AddPeopleAsync();
        return sla;
    }

    private Task AddPeopleAsync() => host.WithDbAsync(async db =>
    {
        Supervisor = new Agent { Name = "Sonia", Email = "sonia@example.test", Phone = SupervisorPhone, Role = AgentRole.Supervisor, Language = Language.Es };
        EnglishAgent = new Agent { Name = "Ed", Email = "ed@example.test", Phone = AssigneePhone, Language = Language.En };
        var network = await db.SupportGroups.SingleAsync(g => g.Id == directory.NetworkGroup.Id);
        network.Tier2OnCallPhone = NetworkTier2;
        network.Tier3OnCallPhone = "+34910000033";
        db.Agents.AddRange(Supervisor, EnglishAgent);
        return await db.SaveChangesAsync();
    });

    public async Task<T> WithWorkflowAsync<T>(Func<CaseWorkflow, Task<T>> work)
    {
        await using var scope = host.Scope();
        return await work(scope.ServiceProvider.GetRequiredService<CaseWorkflow>());
    }

    public async Task<T> WithJobsAsync<T>(Func<SlaJobs, Task<T>> work)
    {
        await using var scope = host.Scope();
        return await work(scope.ServiceProvider.GetRequiredService<SlaJobs>());
    }

    public async Task<Case> OpenAsync(Severity severity, Equipment? equipment = null)
    {
        var change = await WithWorkflowAsync(w => w.OpenAsync(
            new OpenCaseRequest((equipment ?? directory.AcmeRouter).Id, severity, "Router reboots every hour", Channel.Phone),
            Actor.Phone));
        Assert.True(change.Succeeded, change.Problem);
        return change.Case!;
    }

    public async Task Succeeds(Func<CaseWorkflow, Task<CaseChange>> change)
    {
        var result = await WithWorkflowAsync(change);
        Assert.True(result.Succeeded, result.Problem);
    }

    /// <summary>Writes the SLA jobs the changes so far asked for into the job store, as the app's background writer does moments after each change.</summary>
    public Task<int> WriteJobsAsync() => host.Services.GetRequiredService<SlaJobQueue>().WritePendingAsync();

    public Task<Case> LoadAsync(int caseId) =>
        host.WithDbAsync(db => db.Cases.AsNoTracking().Include(c => c.Events).SingleAsync(c => c.Id == caseId));

    public Task<List<OutboxMessage>> OutboxAsync(int caseId) =>
        host.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.CaseId == caseId).OrderBy(m => m.Id).ToListAsync());

    public void AdvanceTo(DateTimeOffset instant) => host.Time.SetUtcNow(instant);

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
