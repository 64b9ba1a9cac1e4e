using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.AgentConsole.Dashboard;

public sealed record Bar(string Label, int Value);

public sealed record AtRiskCase(string Number, Severity Severity, CaseStatus Status, string Organization, DateTimeOffset DueAt, bool Breached);

public sealed record DashboardData(
    int OpenCases,
    IReadOnlyList<Bar> BySeverity,
    IReadOnlyList<Bar> ByStatus,
    IReadOnlyList<Bar> ByRegion,
    IReadOnlyList<Bar> BySite,
    int Measured30Days,
    int Met30Days,
    int OpenBreaches,
    IReadOnlyList<AtRiskCase> AtRisk,
    IReadOnlyList<AtRiskCase> Breached)
{
    /// <summary>Share of the last 30 days' cases whose first SLA target was not breached; null before any was measured.</summary>
    public double? Compliance => Measured30Days == 0 ? null : (double)Met30Days / Measured30Days;
}

public sealed class DashboardOptions
{
    /// <summary>How long a computed dashboard is shown to everyone before it is computed again.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The staff dashboard: counts grouped in SQL over covering indexes (<see cref="CaseIndexes"/>), never cases loaded into
/// memory. At 1M cases a computation reads the ~300k open cases' index entries, so page views read it from
/// <see cref="DashboardCache"/> (it has no per-user part).
/// </summary>
public sealed class DashboardQueries(WebTicketingDb db, TimeProvider time)
{
    public static readonly TimeSpan RiskWindow = TimeSpan.FromHours(2);
    private const int Coarse = 0;

    public async Task<DashboardData> ComputeAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Equalities, not "not resolved and not closed": the dashboard index leads with Status, so this is three seeks.
        var open = db.Cases.AsNoTracking().Where(c => c.Status == CaseStatus.New || c.Status == CaseStatus.InProgress || c.Status == CaseStatus.WaitingOnCustomer);
        // The lists walk a due-time index and check the status row by row ("+ 0" keeps SQLite off the status index,
        // which would make it sort every open case).
        var openWalked = db.Cases.AsNoTracking().Where(c => c.Status + Coarse != CaseStatus.Resolved && c.Status + Coarse != CaseStatus.Closed);

        // One pass over the open cases' index entries, grouped by every dimension at once; the charts fold it in memory.
        var groups = await open.GroupBy(c => new { c.Severity, c.Status, c.RegionId, c.SiteId, Breached = c.Sla.FirstTargetBreached || c.Sla.ResolutionBreached })
            .Select(g => new { g.Key.Severity, g.Key.Status, g.Key.RegionId, g.Key.SiteId, g.Key.Breached, Count = g.Count() })
            .ToListAsync(ct);
        var regionIds = groups.Select(g => g.RegionId).Distinct().ToList();
        var siteIds = groups.Select(g => g.SiteId).Distinct().ToList();
        var regionNames = await db.Regions.AsNoTracking().Where(r => regionIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var siteNames = await db.Sites.AsNoTracking().Where(s => siteIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var byRegion = groups.GroupBy(g => g.RegionId).Select(g => new Bar(regionNames.GetValueOrDefault(g.Key, "?"), g.Sum(x => x.Count))).ToList();
        var bySite = groups.GroupBy(g => g.SiteId).Select(g => new Bar(siteNames.GetValueOrDefault(g.Key, "?"), g.Sum(x => x.Count))).ToList();

        var since = now.AddDays(-30);
        // A case counts once its first target is decided: met, breached, or due and past.
        var measured = db.Cases.AsNoTracking().Where(c => c.OpenedAt >= since && c.Sla.FirstTargetDueAt != default
            && (c.Sla.FirstTargetMetAt != null || c.Sla.FirstTargetBreached || c.Sla.FirstTargetDueAt <= now));
        var measuredCount = await measured.CountAsync(ct);
        var metCount = await measured.CountAsync(c => !c.Sla.FirstTargetBreached && c.Sla.FirstTargetMetAt != null, ct);

        var openBreaches = groups.Where(g => g.Breached).Sum(g => g.Count);
        var horizon = now + RiskWindow;
        var atRisk = await Rows(openWalked.Where(c => c.Sla.NextDueAt != null && c.Sla.NextDueAt <= horizon
            && !c.Sla.FirstTargetBreached && !c.Sla.ResolutionBreached).OrderBy(c => c.Sla.NextDueAt)).Take(20).ToListAsync(ct);
        // Two index walks (one per breach flag) merged, rather than one walk over every open case looking for either flag.
        var firstBreached = await Rows(openWalked.Where(c => c.Sla.FirstTargetBreached).OrderBy(c => c.Sla.NextDueAt)).Take(20).ToListAsync(ct);
        var resolutionBreached = await Rows(openWalked.Where(c => c.Sla.ResolutionBreached).OrderBy(c => c.Sla.NextDueAt)).Take(20).ToListAsync(ct);
        var breached = firstBreached.Concat(resolutionBreached).DistinctBy(c => c.Number).OrderBy(c => c.DueAt).Take(20).ToList();

        return new DashboardData(
            groups.Sum(g => g.Count),
            Enum.GetValues<Severity>().Select(s => new Bar($"Severity.{s}", groups.Where(x => x.Severity == s).Sum(x => x.Count))).ToList(),
            Enum.GetValues<CaseStatus>().Where(s => s is not (CaseStatus.Resolved or CaseStatus.Closed))
                .Select(s => new Bar($"Status.{s}", groups.Where(x => x.Status == s).Sum(x => x.Count))).ToList(),
            byRegion.OrderByDescending(b => b.Value).ToList(),
            bySite.OrderByDescending(b => b.Value).Take(10).ToList(),
            measuredCount, metCount, openBreaches, atRisk, breached);
    }

    private static IQueryable<AtRiskCase> Rows(IQueryable<Case> cases) =>
        cases.Select(c => new AtRiskCase(c.Number, c.Severity, c.Status, c.Organization.Name,
            c.Sla.NextDueAt ?? c.Sla.FirstTargetDueAt, c.Sla.FirstTargetBreached || c.Sla.ResolutionBreached));
}

/// <summary>
/// The last computed dashboard, for every staff member. Older than <see cref="DashboardOptions.CacheFor"/>, it is still
/// shown while one computation in the background replaces it, so no page view waits for the grouped scan except the
/// first after start (or every one with CacheFor 0, which turns the cache off).
/// </summary>
public sealed class DashboardCache(IServiceScopeFactory scopes, TimeProvider time, IOptions<DashboardOptions> options, ILogger<DashboardCache> logger)
{
    private readonly SemaphoreSlim computing = new(1, 1);
    private volatile Entry? last;

    /// <summary>The background computation started last (completed when none runs); tests await it.</summary>
    public Task Refreshing { get; private set; } = Task.CompletedTask;

    public async Task<DashboardData> GetAsync(CancellationToken ct)
    {
        var cacheFor = options.Value.CacheFor;
        if (cacheFor == TimeSpan.Zero)
        {
            return await ComputeAsync(ct);
        }
        if (last is not { } entry)
        {
            await computing.WaitAsync(ct);
            try
            {
                last ??= new Entry(await ComputeAsync(ct), time.GetUtcNow());
                return last.Data;
            }
            finally
            {
                computing.Release();
            }
        }
        if (time.GetUtcNow() - entry.At >= cacheFor && computing.Wait(0))
        {
            Refreshing = Task.Run(RefreshAsync, CancellationToken.None);
        }
        return entry.Data;
    }

    private async Task RefreshAsync()
    {
        try
        {
            last = new Entry(await ComputeAsync(CancellationToken.None), time.GetUtcNow());
        }
        catch (Exception e)
        {
            // The previous dashboard stays; the next view tries again.
            logger.LogWarning(e, "Dashboard computation failed");
        }
        finally
        {
            computing.Release();
        }
    }

    private async Task<DashboardData> ComputeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DashboardQueries>().ComputeAsync(ct);
    }

    private sealed record Entry(DashboardData Data, DateTimeOffset At);
}

public static class DashboardRegistration
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration("Dashboard")
            .Validate(o => o.CacheFor >= TimeSpan.Zero, "Dashboard:CacheFor must not be negative.")
            .ValidateOnStart();
        return services.AddScoped<DashboardQueries>().AddSingleton<DashboardCache>();
    }
}
