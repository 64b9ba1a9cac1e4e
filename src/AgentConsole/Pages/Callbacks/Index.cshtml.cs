using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.AgentConsole.Callbacks;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Telephony;

namespace WebTicketing.AgentConsole.Pages.Callbacks;

[Authorize(Policy = ConsoleIdentity.StaffPolicy)]
public sealed class IndexModel(WebTicketingDb db, CallbackTasks tasks) : PageModel
{
    public List<CallbackRow> Open { get; private set; } = [];

    [BindProperty]
    public CallbackInput Input { get; set; } = new();

    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostTakeAsync(CancellationToken ct)
    {
        TempData["Flash"] = await tasks.TakeAsync(Input.TaskId, ct) ? "Task taken." : "Someone else took this task first.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCloseAsync(CancellationToken ct)
    {
        TempData["Flash"] = await tasks.CloseAsync(Input.TaskId, Input.Outcome, ct) ? "Task closed." : "This task is already closed.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCaseAsync(CancellationToken ct)
    {
        var equipmentId = Input.EquipmentId;
        if (equipmentId is null && Input.MaintenanceCode?.Trim() is { Length: > 0 } code)
        {
            equipmentId = await db.MaintenanceCodes.Where(m => m.Code == code).Select(m => (int?)m.EquipmentId).SingleOrDefaultAsync(ct);
        }
        if (equipmentId is null)
        {
            Problem = "Choose the equipment, or enter a valid maintenance code of your organization.";
            await LoadAsync(ct);
            return Page();
        }
        var result = await tasks.OpenCaseAsync(Input.TaskId, equipmentId.Value, Input.Severity, ct);
        if (!result.Succeeded || result.Case is null)
        {
            Problem = result.Problem;
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = "Case opened.";
        return RedirectToPage("/Cases/Details", new { number = result.Case.Number });
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Open = await db.CallbackTasks.AsNoTracking()
            .Where(t => t.ClosedAt == null)
            .OrderBy(t => t.Id)
            .Take(200)
            .Select(t => new CallbackRow(t,
                db.Organizations.Where(o => o.Id == t.OrganizationId).Select(o => o.Name).FirstOrDefault(),
                db.Agents.Where(a => a.Id == t.TakenByAgentId).Select(a => a.Name).FirstOrDefault(),
                t.OrganizationId == null
                    ? new List<EquipmentOption>()
                    : db.Equipment.Where(e => e.Site.OrganizationId == t.OrganizationId)
                        .Select(e => new EquipmentOption(e.Id, e.Site.Name + " · " + e.Product + " " + e.Version + " · " + e.SerialNumber)).ToList()))
            .ToListAsync(ct);
}

public sealed record CallbackRow(CallbackTask Task, string? Organization, string? TakenBy, List<EquipmentOption> Equipment);

public sealed record EquipmentOption(int Id, string Name);

public sealed class CallbackInput
{
    public int TaskId { get; set; }
    public string? Outcome { get; set; }
    public int? EquipmentId { get; set; }
    public string? MaintenanceCode { get; set; }
    public Severity Severity { get; set; } = Severity.Minor;
}
