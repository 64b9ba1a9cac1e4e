using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Pages.Admin;

[Authorize(Policy = ConsoleIdentity.AdminPolicy)]
public sealed class IndexModel(WebTicketingDb db, UserManager<UserAccount> users, LoginLinks links) : PageModel
{
    public List<LoginRow> Logins { get; private set; } = [];
    public List<Person> WithoutLogin { get; private set; } = [];

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [TempData]
    public string? IssuedLink { get; set; }

    [TempData]
    public string? IssuedFor { get; set; }

    public List<string> Problems { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Creates a login for an agent (with the agent's role) or a contact (Customer), then issues its first link.</summary>
    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var (agent, contact) = await FindPersonAsync(ct);
        var email = agent?.Email ?? contact?.Email;
        if ((agent is null && contact is null) || string.IsNullOrWhiteSpace(email))
        {
            Problems.Add("Choose an agent or a contact with an email address.");
            await LoadAsync(ct);
            return Page();
        }
        var user = new UserAccount { UserName = email, Email = email, EmailConfirmed = true, AgentId = agent?.Id, ContactId = contact?.Id };
        var created = await users.CreateAsync(user);
        if (created.Succeeded)
        {
            created = await users.AddToRoleAsync(user, agent is not null ? Roles.For(agent.Role) : Roles.Customer);
        }
        if (!created.Succeeded)
        {
            Problems.AddRange(created.Errors.Select(e => e.Description));
            await LoadAsync(ct);
            return Page();
        }
        return await IssueAsync(user);
    }

    public async Task<IActionResult> OnPostLinkAsync()
    {
        var user = Input.UserId is null ? null : await users.FindByIdAsync(Input.UserId);
        return user is null ? NotFound() : await IssueAsync(user);
    }

    private async Task<IActionResult> IssueAsync(UserAccount user)
    {
        IssuedLink = await links.IssueAsync(user, Request);
        IssuedFor = user.Email;
        return RedirectToPage();
    }

    private async Task<(Agent?, Contact?)> FindPersonAsync(CancellationToken ct) => Input.Person?.Split(':') switch
    {
        ["agent", var id] when int.TryParse(id, out var agentId) => (await db.Agents.FindAsync([agentId], ct), null),
        ["contact", var id] when int.TryParse(id, out var contactId) => (null, await db.Contacts.FindAsync([contactId], ct)),
        _ => (null, null),
    };

    private async Task LoadAsync(CancellationToken ct)
    {
        var roles = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(ct);
        Logins = await db.Users.AsNoTracking().OrderBy(u => u.Email)
            .Select(u => new LoginRow(u.Id, u.Email ?? u.UserName ?? "", u.Agent != null ? u.Agent.Name : u.Contact != null ? u.Contact.Name : "",
                u.Contact != null ? u.Contact.Organization.Name : null, u.PasswordHash != null, u.LockoutEnd, ""))
            .ToListAsync(ct);
        Logins = Logins.Select(l => l with { Role = string.Join(", ", roles.Where(r => r.UserId == l.Id).Select(r => r.Name)) }).ToList();
        var agents = await db.Agents.AsNoTracking().Where(a => !db.Users.Any(u => u.AgentId == a.Id)).OrderBy(a => a.Name)
            .Select(a => new Person($"agent:{a.Id}", a.Name + " · " + a.Email + " (" + a.Role + ")")).ToListAsync(ct);
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.Email != null && !db.Users.Any(u => u.ContactId == c.Id)).OrderBy(c => c.Name)
            .Select(c => new Person($"contact:{c.Id}", c.Name + " · " + c.Email + " (" + c.Organization.Name + ")")).ToListAsync(ct);
        WithoutLogin = [.. agents, .. contacts];
    }
}

public sealed record LoginRow(string Id, string Email, string Name, string? Organization, bool HasPassword, DateTimeOffset? LockedUntil, string Role);

public sealed record Person(string Key, string Label);

public sealed class LoginInput
{
    public string? UserId { get; set; }
    [StringLength(32)]
    public string? Person { get; set; }
}
