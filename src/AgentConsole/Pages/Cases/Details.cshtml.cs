using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;

namespace WebTicketing.AgentConsole.Pages.Cases;

/// <summary>
/// One case with its clocks, timeline, recording and SMS, and the actions the user's role allows. Every action goes
/// through <see cref="CaseWorkflow"/> with the version the page was rendered with; a stale one shows the conflict.
/// </summary>
public sealed class DetailsModel(WebTicketingDb db, CaseWorkflow workflow, CurrentUser user) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Number { get; set; } = "";

    [BindProperty]
    public CaseActionInput Input { get; set; } = new();

    public Case Case { get; private set; } = null!;
    public List<CaseEvent> Timeline { get; private set; } = [];
    public List<OutboxMessage> Sms { get; private set; } = [];
    public List<CaseAttachment> Attachments { get; private set; } = [];
    public List<Agent> Agents { get; private set; } = [];
    public List<Contact> Contacts { get; private set; } = [];
    public string? Problem { get; private set; }
    public bool IsConflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostStatusAsync(CancellationToken ct) =>
        StaffAsync(ct, () => Input.Status is { } status
            ? workflow.ChangeStatusAsync(Case.Id, Input.Version, status, user.Actor, Input.Text, ct)
            : null);

    public Task<IActionResult> OnPostNoteAsync(CancellationToken ct) =>
        StaffAsync(ct, () => workflow.AddNoteAsync(Case.Id, Input.Version, Input.Text ?? "", Input.IsPublic, user.Actor, ct));

    public Task<IActionResult> OnPostSeverityAsync(CancellationToken ct) =>
        StaffAsync(ct, () => Input.Severity is { } severity
            ? workflow.ChangeSeverityAsync(Case.Id, Input.Version, severity, user.Actor, Input.Text, ct)
            : null);

    public Task<IActionResult> OnPostAssignAsync(CancellationToken ct) =>
        StaffAsync(ct, () => workflow.AssignAsync(Case.Id, Input.Version, Input.AgentId, user.Actor, ct));

    public Task<IActionResult> OnPostEscalateAsync(CancellationToken ct) =>
        StaffAsync(ct, () => workflow.EscalateAsync(Case.Id, Input.Version, user.Actor, Input.Text ?? "", ct));

    public Task<IActionResult> OnPostResolveAsync(CancellationToken ct) =>
        StaffAsync(ct, () => workflow.ResolveAsync(Case.Id, Input.Version, user.Actor, Input.Text ?? "", ct));

    public Task<IActionResult> OnPostCloseAsync(CancellationToken ct) =>
        ApplyAsync(ct, () => workflow.CloseAsync(Case.Id, Input.Version, user.Actor, ct));

    public Task<IActionResult> OnPostReopenAsync(CancellationToken ct) =>
        ApplyAsync(ct, () => workflow.ReopenAsync(Case.Id, Input.Version, user.Actor, Input.Text ?? "", ct));

    public Task<IActionResult> OnPostCommentAsync(CancellationToken ct) =>
        ApplyAsync(ct, () => workflow.AddNoteAsync(Case.Id, Input.Version, Input.Text ?? "", isPublic: true, user.Actor, ct));

    public Task<IActionResult> OnPostContactAsync(CancellationToken ct) =>
        ApplyAsync(ct, () => workflow.ChangeContactAsync(Case.Id, Input.Version, Input.ContactId, Input.CallbackPhone, user.Actor, ct));

    /// <summary>Staff-only actions: a customer posting one is refused even on their own case.</summary>
    private async Task<IActionResult> StaffAsync(CancellationToken ct, Func<Task<CaseChange>?> change)
    {
        if (!user.IsStaff)
        {
            return await LoadAsync(ct) ? Forbid() : NotFound();
        }
        return await ApplyAsync(ct, change);
    }

    private async Task<IActionResult> ApplyAsync(CancellationToken ct, Func<Task<CaseChange>?> change)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        var pending = change();
        if (pending is null)
        {
            Problem = "Choose a value first.";
            return Page();
        }
        var result = await pending;
        switch (result.Outcome)
        {
            case CaseChangeOutcome.Done:
                TempData["Flash"] = "Saved.";
                return RedirectToPage(new { number = Number });
            case CaseChangeOutcome.NotFound:
                return NotFound();
            case CaseChangeOutcome.Conflict:
                // Show what the other person did: the page re-renders with the current case and the user's input kept.
                IsConflict = true;
                Problem = result.Problem;
                await LoadAsync(ct);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                Problem = result.Problem;
                await LoadAsync(ct);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
        }
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var found = await db.Cases.AsNoTracking()
            .Include(c => c.Organization).Include(c => c.Site).Include(c => c.Region).Include(c => c.Equipment)
            .Include(c => c.Contact).Include(c => c.SupportGroup).Include(c => c.Assignee)
            .SingleOrDefaultAsync(c => c.Number == Number, ct);
        // Another organization's case is "not found", never "forbidden": its existence is not the customer's to learn.
        if (found is null || !user.MaySee(found.OrganizationId))
        {
            return false;
        }
        Case = found;
        var staff = user.IsStaff;
        Timeline = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == found.Id && (staff || e.IsPublic)).OrderBy(e => e.Id).ToListAsync(ct);
        Sms = await db.Outbox.AsNoTracking().Where(m => m.CaseId == found.Id).OrderBy(m => m.Id).ToListAsync(ct);
        Attachments = await db.CaseAttachments.AsNoTracking().Where(a => a.CaseId == found.Id && (staff || a.IsPublic)).OrderBy(a => a.Id).ToListAsync(ct);
        Contacts = await db.Contacts.AsNoTracking().Where(c => c.OrganizationId == found.OrganizationId).OrderBy(c => c.Name).ToListAsync(ct);
        if (staff)
        {
            Agents = await db.Agents.AsNoTracking().OrderBy(a => a.Name).ToListAsync(ct);
        }
        return true;
    }
}

public sealed class CaseActionInput
{
    /// <summary>The case version the form was rendered with.</summary>
    public int Version { get; set; }
    public CaseStatus? Status { get; set; }
    public Severity? Severity { get; set; }
    public int? AgentId { get; set; }
    public int? ContactId { get; set; }
    [Phone, StringLength(20)]
    public string? CallbackPhone { get; set; }
    [StringLength(4000)]
    public string? Text { get; set; }
    public bool IsPublic { get; set; }
}
