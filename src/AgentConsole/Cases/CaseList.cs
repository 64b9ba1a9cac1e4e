using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Cases;

public enum CaseScope
{
    Global,
    Regional,
    Local,
}

/// <summary>The list's filters as they travel in the query string: a link to a filtered list is shareable.</summary>
public sealed class CaseListFilter
{
    /// <summary>"open" (the default), "all", or a <see cref="CaseStatus"/> name.</summary>
    public string? Status { get; set; }
    public Severity? Severity { get; set; }
    public int? Tier { get; set; }
    public int? Group { get; set; }
    public int? Organization { get; set; }
    public CaseScope Scope { get; set; }
    public int? Site { get; set; }
    public int? Region { get; set; }
    public string? Q { get; set; }
    /// <summary>Agents see their support groups' cases unless they ask for everything.</summary>
    public bool All { get; set; }
    /// <summary>Keyset cursor: the last row of the previous page.</summary>
    public string? After { get; set; }
}

public sealed record CaseRow(
    int Id, string Number, CaseStatus Status, Severity Severity, int Tier, string Organization, string Site, int RegionId, string Region,
    string SupportGroup, string? Assignee, string Description, DateTimeOffset OpenedAt, DateTimeOffset? NextDueAt, bool Breached);

public sealed record CasePage(IReadOnlyList<CaseRow> Rows, string? NextCursor);

/// <summary>
/// The case list: filters, then SLA due time (soonest first, cases with no running clock last), then id. Paged by
/// keyset — "after this due time and id" — never OFFSET, so page 1000 costs what page 1 costs.
/// </summary>
public sealed class CaseList(WebTicketingDb db, CurrentUser user)
{
    public const int PageSize = 50;

    /// <summary>How many rows of the list a text search checks one by one before it asks the search index.</summary>
    private const int WalkLimit = 1000;

    /// <summary>
    /// Added to a column compared against a coarse value (a status, a severity: each holds
    /// a large share of all cases) so SQLite cannot pick that column's index and then sort hundreds of thousands of
    /// rows; it walks the due-time index in order instead and stops after one page. Organization and site stay on
    /// their own indexes: they are selective, and sorting their few rows is cheap. A support group has its own
    /// (SupportGroupId, NextDueAt, Id) index and a region its (RegionId, NextDueAt, Id) one (<see cref="CaseIndexes"/>),
    /// which serve both the filter and the order.
    /// </summary>
    private const int Coarse = 0;

    public async Task<CasePage> QueryAsync(CaseListFilter filter, CancellationToken cancellationToken = default)
    {
        var (cases, groups) = await FilteredAsync(filter, cancellationToken);
        var cursor = Cursor.Parse(filter.After);
        // An agent's own groups: one keyset walk per group on (SupportGroupId, NextDueAt, Id), merged here. A single
        // "group IN (...)" walk would have to sort every open case of those groups (2.6 s at 1M cases).
        var parts = groups is null ? [cases] : groups.Select(group => cases.Where(c => c.SupportGroupId == group));
        var rows = new List<CaseRow>();
        foreach (var part in parts)
        {
            rows.AddRange(await SearchedPageAsync(part, filter.Q?.Trim() is { Length: > 0 } text ? text : null, cursor, cancellationToken));
        }
        rows = rows.OrderBy(r => r.NextDueAt is null).ThenBy(r => r.NextDueAt).ThenBy(r => r.Id).Take(PageSize + 1).ToList();

        var next = rows.Count > PageSize ? Cursor.After(rows[PageSize - 1]) : null;
        return new CasePage(rows.Take(PageSize).ToList(), next);
    }

    /// <summary>
    /// A page of the cases matching <paramref name="text"/>. Common text is found fastest by walking the list in order
    /// and checking rows (a page within the first few thousand); rare text through the search index, which costs what
    /// the matches number. So: walk a bounded stretch first, and ask the index only when that did not fill the page.
    /// </summary>
    private async Task<List<CaseRow>> SearchedPageAsync(IQueryable<Case> cases, string? text, Cursor? cursor, CancellationToken cancellationToken)
    {
        if (text is null)
        {
            return await PageAsync(cases, cursor, null, cancellationToken);
        }
        if (CaseSearch.RowFilter(text) is { } rowFilter && cursor is not { DueTicks: null })
        {
            var walked = await PageAsync(cases, cursor, rowFilter, cancellationToken);
            if (walked.Count > PageSize)
            {
                return walked;
            }
        }
        return await PageAsync(cases.Matching(db, text), cursor, null, cancellationToken);
    }

    /// <summary>
    /// Up to one page and one row after <paramref name="cursor"/>, in list order; with <paramref name="rowFilter"/>, the
    /// rows among the next <see cref="WalkLimit"/> cases with a due time that pass it (the cases without one are not
    /// walked: among open cases they are few, and finding that out can mean reading most closed ones).
    /// </summary>
    private static async Task<List<CaseRow>> PageAsync(IQueryable<Case> cases, Cursor? cursor, Expression<Func<Case, bool>>? rowFilter, CancellationToken cancellationToken)
    {
        var rows = new List<CaseRow>(PageSize + 1);
        // Two legs so each walks one index in order: cases with a due time by (NextDueAt, Id), then the rest by Id.
        if (cursor is not { DueTicks: null })
        {
            var timed = cases.Where(c => c.Sla.NextDueAt != null);
            if (cursor is { DueTicks: { } ticks })
            {
                var due = new DateTimeOffset(ticks, TimeSpan.Zero);
                timed = timed.Where(c => c.Sla.NextDueAt > due || (c.Sla.NextDueAt == due && c.Id > cursor.Id));
            }
            static IQueryable<Case> ByDue(IQueryable<Case> q) => q.OrderBy(c => c.Sla.NextDueAt).ThenBy(c => c.Id);
            var page = rowFilter is null ? ByDue(timed) : ByDue(ByDue(timed).Take(WalkLimit).Where(rowFilter));
            rows.AddRange(await Project(page).Take(PageSize + 1).ToListAsync(cancellationToken));
        }
        if (rows.Count <= PageSize && rowFilter is null)
        {
            var untimed = cases.Where(c => c.Sla.NextDueAt == null);
            if (cursor is { DueTicks: null })
            {
                untimed = untimed.Where(c => c.Id > cursor.Id);
            }
            rows.AddRange(await Project(untimed.OrderBy(c => c.Id)).Take(PageSize + 1 - rows.Count).ToListAsync(cancellationToken));
        }
        return rows;
    }

    /// <summary>The filtered cases, and the agent's support groups when the list is limited to them.</summary>
    private async Task<(IQueryable<Case> Cases, IReadOnlyList<int>? Groups)> FilteredAsync(CaseListFilter filter, CancellationToken cancellationToken)
    {
        var cases = db.Cases.AsNoTracking();
        IReadOnlyList<int>? groups = null;
        if (!user.IsStaff)
        {
            var organizationId = user.OrganizationId ?? -1;
            cases = cases.Where(c => c.OrganizationId == organizationId);
        }
        else if (!user.IsSupervisor && !filter.All)
        {
            groups = await user.SupportGroupIdsAsync(cancellationToken);
        }

        cases = filter.Status switch
        {
            null or "" or "open" => cases.Where(c => c.Status != CaseStatus.Resolved && c.Status != CaseStatus.Closed),
            "all" => cases,
            var name when Enum.TryParse<CaseStatus>(name, ignoreCase: true, out var status) => cases.Where(c => c.Status + Coarse == status),
            _ => cases,
        };
        if (filter.Severity is { } severity)
        {
            cases = cases.Where(c => c.Severity + Coarse == severity);
        }
        if (filter.Tier is { } tier)
        {
            cases = cases.Where(c => c.Tier == tier);
        }
        if (filter.Group is { } group)
        {
            cases = cases.Where(c => c.SupportGroupId == group);
        }
        if (filter.Organization is { } organization && user.IsStaff)
        {
            cases = cases.Where(c => c.OrganizationId == organization);
        }
        switch (filter.Scope)
        {
            case CaseScope.Local when filter.Site is { } site:
                cases = cases.Where(c => c.SiteId == site);
                break;
            case CaseScope.Regional when filter.Region is { } region:
                cases = cases.Where(c => c.RegionId == region);
                break;
        }
        return (cases, groups);
    }

    private static IQueryable<CaseRow> Project(IQueryable<Case> cases) =>
        cases.Select(c => new CaseRow(
            c.Id, c.Number, c.Status, c.Severity, c.Tier, c.Organization.Name, c.Site.Name, c.RegionId, c.Region.Name, c.SupportGroup.Name,
            c.Assignee != null ? c.Assignee.Name : null,
            c.Description.Length > 120 ? c.Description.Substring(0, 120) : c.Description,
            c.OpenedAt, c.Sla.NextDueAt, c.Sla.FirstTargetBreached || c.Sla.ResolutionBreached));

    private sealed record Cursor(long? DueTicks, int Id)
    {
        public static Cursor? Parse(string? value)
        {
            var parts = value?.Split('.');
            if (parts is not [var due, var id] || !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var caseId))
            {
                return null;
            }
            if (due == "n")
            {
                return new Cursor(null, caseId);
            }
            return long.TryParse(due, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? new Cursor(ticks, caseId) : null;
        }

        public static string After(CaseRow row) =>
            string.Create(CultureInfo.InvariantCulture, $"{(row.NextDueAt is { } due ? due.UtcTicks.ToString(CultureInfo.InvariantCulture) : "n")}.{row.Id}");
    }
}

public static class CaseListRegistration
{
    public static IServiceCollection AddCaseLists(this IServiceCollection services) =>
        services.AddScoped<CaseList>().AddScoped<CaseFiles>();
}
