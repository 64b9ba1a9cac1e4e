using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Accounts;

/// <summary>Who is asking: an agent (with their support groups) or a customer contact (with their organization).</summary>
public sealed class CurrentUser(IHttpContextAccessor accessor, WebTicketingDb db)
{
    private IReadOnlyList<int>? supportGroupIds;
    private ClaimsPrincipal? caller;

    private ClaimsPrincipal Principal => caller ?? accessor.HttpContext?.User ?? new ClaimsPrincipal();

    /// <summary>For a SignalR hub, whose caller is the connection's user rather than the current request's.</summary>
    public CurrentUser For(ClaimsPrincipal principal)
    {
        caller = principal;
        supportGroupIds = null;
        return this;
    }

    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;
    public string? UserId => Principal.FindFirstValue(ClaimTypes.NameIdentifier);
    public string DisplayName => Principal.FindFirstValue(ConsoleClaims.Name) ?? Principal.Identity?.Name ?? "";
    public int? AgentId => IntClaim(ConsoleClaims.AgentId);
    public int? ContactId => IntClaim(ConsoleClaims.ContactId);
    public int? OrganizationId => IntClaim(ConsoleClaims.OrganizationId);
    /// <summary>The login's saved time zone (IANA id), if any.</summary>
    public string? TimeZone => Principal.FindFirstValue(ConsoleClaims.TimeZone);

    public bool IsAdmin => Principal.IsInRole(Roles.Admin);
    public bool IsSupervisor => Principal.IsInRole(Roles.Supervisor) || IsAdmin;
    public bool IsStaff => Principal.IsInRole(Roles.Agent) || IsSupervisor;
    public bool IsCustomer => !IsStaff && Principal.IsInRole(Roles.Customer);

    public string Role => IsAdmin ? Roles.Admin : Principal.IsInRole(Roles.Supervisor) ? Roles.Supervisor : IsStaff ? Roles.Agent : Roles.Customer;

    /// <summary>The actor the workflow sees; a customer login without a contact can change nothing.</summary>
    public Actor Actor => IsStaff
        ? new Actor(ActorKind.Agent, DisplayName, AgentId: AgentId)
        : Actor.ForContact(ContactId ?? 0, OrganizationId ?? 0, DisplayName);

    /// <summary>The support groups of the agent; empty for customers.</summary>
    public async Task<IReadOnlyList<int>> SupportGroupIdsAsync(CancellationToken cancellationToken = default)
    {
        if (supportGroupIds is null)
        {
            var agentId = AgentId;
            supportGroupIds = agentId is null
                ? []
                : await db.Agents.Where(a => a.Id == agentId).SelectMany(a => a.Groups.Select(g => g.Id)).ToListAsync(cancellationToken);
        }
        return supportGroupIds;
    }

    /// <summary>Whether this user may see the case at all: staff see every case, a customer only their organization's.</summary>
    public bool MaySee(int caseOrganizationId) => IsStaff || (OrganizationId is { } org && org == caseOrganizationId);

    private int? IntClaim(string type) =>
        int.TryParse(Principal.FindFirstValue(type), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
