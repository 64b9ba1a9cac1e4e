using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.AgentConsole.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.AgentConsole.Pages.Cases;

public sealed class IndexModel(CaseList list, WebTicketingDb db, CurrentUser user) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public CaseListFilter Filter { get; set; } = new();

    public CasePage Result { get; private set; } = new([], null);
    public List<Choice> Sites { get; private set; } = [];
    public List<Choice> Regions { get; private set; } = [];
    public List<Choice> Groups { get; private set; } = [];
    public List<Choice> Organizations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Result = await list.QueryAsync(Filter, cancellationToken);
        var organizationId = user.IsStaff ? null : (int?)(user.OrganizationId ?? -1);
        var sites = db.Sites.AsNoTracking().Where(s => organizationId == null || s.OrganizationId == organizationId);
        Sites = await sites.OrderBy(s => s.Name).Select(s => new Choice(s.Id, s.Name)).ToListAsync(cancellationToken);
        Regions = await db.Regions.AsNoTracking()
            .Where(r => organizationId == null || sites.Any(s => s.RegionId == r.Id))
            .OrderBy(r => r.Name).Select(r => new Choice(r.Id, r.Name)).ToListAsync(cancellationToken);
        if (user.IsStaff)
        {
            Groups = await db.SupportGroups.AsNoTracking().OrderBy(g => g.Name).Select(g => new Choice(g.Id, g.Name)).ToListAsync(cancellationToken);
            Organizations = await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new Choice(o.Id, o.Name)).ToListAsync(cancellationToken);
        }
    }

    /// <summary>The current filters as route values, with the cursor replaced, for paging links.</summary>
    public Dictionary<string, string> RouteWith(string? after)
    {
        var values = new Dictionary<string, string>();
        void Add(string key, object? value)
        {
            if (value is not null && value.ToString() is { Length: > 0 } text)
            {
                values[key] = text;
            }
        }
        Add("status", Filter.Status);
        Add("severity", Filter.Severity);
        Add("tier", Filter.Tier);
        Add("group", Filter.Group);
        Add("organization", Filter.Organization);
        Add("scope", Filter.Scope);
        Add("site", Filter.Site);
        Add("region", Filter.Region);
        Add("q", Filter.Q);
        Add("all", Filter.All ? "true" : null);
        Add("after", after);
        return values;
    }
}

public sealed record Choice(int Id, string Name);
