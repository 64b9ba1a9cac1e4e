using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.Bench.Data;

/// <summary>
/// The console's case list and case detail as EF queries, in process (no login, no HTML): filters, then the SLA due
/// time (soonest first, cases without a running clock last) and id, paged by keyset, as the console branch's CaseList
/// does. What this measures is the database's part of a page; the HTTP measurement (loadgen console) adds the rest.
/// </summary>
public static class ConsoleQueries
{
    private const int PageSize = 50;

    /// <summary>As CaseList: "+ 0" keeps SQLite off a coarse column's index, so it walks the due-time index instead of sorting.</summary>
    private const int Coarse = 0;

    public sealed record Row(int Id, string Number, CaseStatus Status, Severity Severity, int Tier, string Organization, string Site,
        string Region, string SupportGroup, string? Assignee, string Description, DateTimeOffset OpenedAt, DateTimeOffset? NextDueAt);

    public static async Task<(List<Latency> Latencies, Dictionary<string, string> Parameters)> MeasureAsync(Func<WebTicketingDb> open, int iterations, Action<string> progress)
    {
        await using var probe = open();
        var organizations = await probe.Organizations.Select(o => o.Id).ToListAsync();
        var regions = await probe.Regions.Select(r => r.Id).ToListAsync();
        var groups = await probe.SupportGroups.Select(g => g.Id).ToListAsync();
        var maxId = await probe.Cases.MaxAsync(c => c.Id);
        var openCount = await probe.Cases.CountAsync(c => c.Sla.NextDueAt != null);
        // A cursor deep in the list: the row about 60 % of the way through the cases with a running clock.
        var deep = await probe.Cases.AsNoTracking().Where(c => c.Sla.NextDueAt != null)
            .OrderBy(c => c.Sla.NextDueAt).ThenBy(c => c.Id).Skip(openCount * 6 / 10)
            .Select(c => new { c.Sla.NextDueAt, c.Id }).FirstAsync();
        progress($"{maxId:N0} cases, {openCount:N0} with a running SLA clock; deep cursor at row {openCount * 6 / 10:N0}");

        var random = new Random(5);
        var sampleIds = Enumerable.Range(0, 200).Select(_ => random.Next(1, maxId + 1)).ToList();
        var numbers = await probe.Cases.AsNoTracking().Where(c => sampleIds.Contains(c.Id)).Select(c => c.Number).ToListAsync();
        var measures = new (string Name, Func<WebTicketingDb, Task<int>> Query)[]
        {
            ("first page: open cases, all groups (supervisor)", db => PageAsync(OpenCases(db), null)),
            ("first page: open cases of an agent's 2 groups", async db =>
            {
                // As CaseList does: one keyset walk per group, merged.
                var mine = new[] { groups[random.Next(groups.Count)], groups[random.Next(groups.Count)] }.Distinct();
                var total = 0;
                foreach (var group in mine)
                {
                    total += await PageAsync(OpenCases(db).Where(c => c.SupportGroupId == group), null);
                }
                return total;
            }),
            ("filtered: open, severity 1", db => PageAsync(OpenCases(db).Where(c => c.Severity + Coarse == Severity.Critical), null)),
            ("filtered: open, one organization", db =>
            {
                var organization = organizations[random.Next(organizations.Count)];
                return PageAsync(OpenCases(db).Where(c => c.OrganizationId == organization), null);
            }),
            ("filtered: status InProgress, tier 2", db => PageAsync(db.Cases.AsNoTracking().Where(c => c.Status + Coarse == CaseStatus.InProgress && c.Tier == 2), null)),
            ("filtered: text search, common word (13 % of cases)", db => SearchAsync(db, OpenCases(db), "impresora")),
            ("filtered: text search, rare text (one case)", db => SearchAsync(db, OpenCases(db), $"#{random.Next(maxId / 2)})")),
            ("filtered: text search, all statuses, common word", db => SearchAsync(db, db.Cases.AsNoTracking(), "impresora")),
            ("filtered: text search, index only, common word", db => PageAsync(OpenCases(db).Matching(db, "impresora"), null)),
            ("deep keyset page (60 % in)", db => PageAsync(OpenCases(db), (deep.NextDueAt, deep.Id))),
            ("global scope: all statuses", db => PageAsync(db.Cases.AsNoTracking(), null)),
            ("regional scope: open, one region", db =>
            {
                var region = regions[random.Next(regions.Count)];
                return PageAsync(OpenCases(db).Where(c => c.RegionId == region), null);
            }),
            ("regional scope: all statuses, one region", db =>
            {
                var region = regions[random.Next(regions.Count)];
                return PageAsync(db.Cases.AsNoTracking().Where(c => c.RegionId == region), null);
            }),
            ("case detail by number (with timeline)", db => DetailAsync(db, numbers[random.Next(numbers.Count)])),
            ("count of open cases (list header)", db => OpenCases(db).CountAsync()),
        };

        // What the HTTP measurement (loadgen console) needs to ask the console the same questions.
        var parameters = new Dictionary<string, string>
        {
            ["email"] = DirectorySeeder.SupervisorEmail,
            ["password"] = DirectorySeeder.SupervisorPassword,
            ["regions"] = string.Join(",", regions),
            ["organizations"] = string.Join(",", organizations),
            ["numbers"] = string.Join(",", numbers.Take(100)),
            ["deep"] = FormattableString.Invariant($"{deep.NextDueAt!.Value.UtcTicks}.{deep.Id}"),
        };
        var results = new List<Latency>();
        foreach (var (name, query) in measures)
        {
            var latency = new Latency(name);
            for (var i = -3; i < iterations; i++)
            {
                // A fresh context per request, as each page request gets one.
                await using var db = open();
                if (i < 0)
                {
                    await query(db);
                    continue;
                }
                await latency.TimeAsync(() => query(db));
            }
            progress(latency.Row());
            results.Add(latency);
        }
        return (results, parameters);
    }

    private static IQueryable<Case> OpenCases(WebTicketingDb db) =>
        db.Cases.AsNoTracking().Where(c => c.Status != CaseStatus.Resolved && c.Status != CaseStatus.Closed);

    /// <summary>As CaseList searches: the first 1,000 cases with a due time checked one by one, then the search index if that found less than a page.</summary>
    private static async Task<int> SearchAsync(WebTicketingDb db, IQueryable<Case> cases, string text)
    {
        var walked = await PageAsync(cases, null, CaseSearch.RowFilter(text));
        return walked > PageSize ? walked : await PageAsync(cases.Matching(db, text), null);
    }

    /// <summary>Two legs so each walks one index in order: cases with a due time by (NextDueAt, Id), then the rest by Id.</summary>
    private static async Task<int> PageAsync(IQueryable<Case> cases, (DateTimeOffset? Due, int Id)? after, System.Linq.Expressions.Expression<Func<Case, bool>>? walk = null)
    {
        var rows = new List<Row>(PageSize + 1);
        if (after is not { Due: null })
        {
            var timed = cases.Where(c => c.Sla.NextDueAt != null);
            if (after is { Due: { } due, Id: var id })
            {
                timed = timed.Where(c => c.Sla.NextDueAt > due || (c.Sla.NextDueAt == due && c.Id > id));
            }
            var ordered = timed.OrderBy(c => c.Sla.NextDueAt).ThenBy(c => c.Id);
            var page = walk is null ? ordered : ordered.Take(1000).Where(walk).OrderBy(c => c.Sla.NextDueAt).ThenBy(c => c.Id);
            rows.AddRange(await Project(page).Take(PageSize + 1).ToListAsync());
        }
        if (rows.Count <= PageSize && walk is null)
        {
            var untimed = cases.Where(c => c.Sla.NextDueAt == null);
            if (after is { Due: null, Id: var id })
            {
                untimed = untimed.Where(c => c.Id > id);
            }
            rows.AddRange(await Project(untimed.OrderBy(c => c.Id)).Take(PageSize + 1 - rows.Count).ToListAsync());
        }
        return rows.Count;
    }

    private static IQueryable<Row> Project(IQueryable<Case> cases) =>
        cases.Select(c => new Row(c.Id, c.Number, c.Status, c.Severity, c.Tier, c.Organization.Name, c.Site.Name, c.Region.Name,
            c.SupportGroup.Name, c.Assignee != null ? c.Assignee.Name : null,
            c.Description.Length > 120 ? c.Description.Substring(0, 120) : c.Description, c.OpenedAt, c.Sla.NextDueAt));

    private static async Task<int> DetailAsync(WebTicketingDb db, string number)
    {
        var @case = await db.Cases.AsNoTracking()
            .Include(c => c.Organization).Include(c => c.Site).Include(c => c.Region).Include(c => c.Equipment)
            .Include(c => c.SupportGroup).Include(c => c.Assignee).Include(c => c.Contact)
            .SingleAsync(c => c.Number == number);
        var events = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == @case.Id).OrderBy(e => e.Id).ToListAsync();
        return events.Count;
    }
}
