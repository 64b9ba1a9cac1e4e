using Microsoft.EntityFrameworkCore;
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

/// <summary>The staff dashboard: counts grouped in SQL, never cases loaded into memory.</summary>
public sealed class DashboardQueries(WebTicketingDb db, TimeProvider time)
{
    public static readonly TimeSpan RiskWindow = TimeSpan.FromHours(2);

    public async Task<DashboardData> LoadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = db.Cases.AsNoTracking().Where(c => c.Status != CaseStatus.Resolved && c.Status != CaseStatus.Closed);

        // One scan of the open cases, grouped by every dimension at once; the charts fold it in memory (a few hundred rows).
        var groups = await open.GroupBy(c => new { c.Severity, c.Status, c.RegionId, c.SiteId })
            .Select(g => new { g.Key.Severity, g.Key.Status, g.Key.RegionId, g.Key.SiteId, Count = g.Count() })
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

        var openBreaches = await open.CountAsync(c => c.Sla.FirstTargetBreached || c.Sla.ResolutionBreached, ct);
        var horizon = now + RiskWindow;
        var atRisk = await Rows(open.Where(c => c.Sla.NextDueAt != null && c.Sla.NextDueAt <= horizon
            && !c.Sla.FirstTargetBreached && !c.Sla.ResolutionBreached).OrderBy(c => c.Sla.NextDueAt)).Take(20).ToListAsync(ct);
        var breached = await Rows(open.Where(c => c.Sla.FirstTargetBreached || c.Sla.ResolutionBreached).OrderBy(c => c.Sla.NextDueAt)).Take(20).ToListAsync(ct);

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

public static class DashboardRegistration
{
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddScoped<DashboardQueries>();
}
