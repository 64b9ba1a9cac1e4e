using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;

namespace WebTicketing.AgentConsole.Pages.Admin;

/// <summary>What the service sent or would send: the SMS outbox and, in Local mode, the login links issued.</summary>
[Authorize(Policy = ConsoleIdentity.AdminPolicy)]
public sealed class OutboxModel(WebTicketingDb db) : PageModel
{
    public List<OutboxRow> Messages { get; private set; } = [];
    public List<LoginLinkMail> Mails { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Messages = await db.Outbox.AsNoTracking().OrderByDescending(m => m.Id).Take(200)
            .Select(m => new OutboxRow(m, db.Cases.Where(c => c.Id == m.CaseId).Select(c => c.Number).FirstOrDefault()))
            .ToListAsync(ct);
        Mails = await db.LoginLinkMails.AsNoTracking().OrderByDescending(m => m.Id).Take(50).ToListAsync(ct);
    }
}

public sealed record OutboxRow(OutboxMessage Message, string? CaseNumber);
