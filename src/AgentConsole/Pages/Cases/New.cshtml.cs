using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.AgentConsole.Cases;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Pages.Cases;

/// <summary>
/// Opening a case on the web: the same <see cref="CaseWorkflow.OpenAsync"/> as the phone, so routing, SLA and SMS
/// follow. The form's hidden opening key makes a double submit open one case.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = CaseFiles.MaxAttachments * CaseFiles.MaxAttachmentBytes + 1024 * 1024)]
[RequestSizeLimit(CaseFiles.MaxAttachments * CaseFiles.MaxAttachmentBytes + 1024 * 1024)]
public sealed class NewModel(WebTicketingDb db, CaseWorkflow workflow, CaseFiles files, CurrentUser user, TimeProvider time) : PageModel
{
    /// <summary>Staff pick the organization first; the page reloads with its equipment and contacts.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Organization { get; set; }

    [BindProperty]
    public NewCaseInput Input { get; set; } = new();

    public List<Choice> Organizations { get; private set; } = [];
    public List<EquipmentChoice> Equipment { get; private set; } = [];
    public List<Choice> Contacts { get; private set; } = [];
    public List<string> Problems { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Input.OpeningKey = Guid.NewGuid();
        Input.ContactId = user.ContactId;
        await LoadChoicesAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var organizationId = user.IsStaff ? Organization : user.OrganizationId;
        if (!user.IsStaff && organizationId is null)
        {
            return Forbid();
        }
        var key = $"web:{Input.OpeningKey:n}";
        if (Input.OpeningKey != Guid.Empty
            && await db.Cases.AsNoTracking().Where(c => c.OpeningKey == key).Select(c => c.Number).SingleOrDefaultAsync(ct) is { } opened)
        {
            return RedirectToPage("/Cases/Details", new { number = opened });
        }

        var equipmentId = await ResolveEquipmentAsync(organizationId, ct);
        var uploads = new List<(string Name, byte[] Bytes, string ContentType)>();
        if (Input.Files.Count > CaseFiles.MaxAttachments)
        {
            Problems.Add("At most 5 attachments.");
        }
        foreach (var file in Input.Files.Take(CaseFiles.MaxAttachments))
        {
            var (bytes, contentType, problem) = await CaseFiles.ReadUploadAsync(file, ct);
            if (problem is not null)
            {
                Problems.Add($"{file.FileName}: {problem}");
            }
            else
            {
                uploads.Add((file.FileName, bytes!, contentType!));
            }
        }
        if (!ModelState.IsValid)
        {
            Problems.Add("Describe the problem (up to 4000 characters) and choose a severity.");
        }
        if (equipmentId is null || Problems.Count > 0 || Input.OpeningKey == Guid.Empty)
        {
            if (equipmentId is null)
            {
                Problems.Insert(0, "Choose the equipment, or enter a valid maintenance code of your organization.");
            }
            await LoadChoicesAsync(ct);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var contactId = user.IsStaff ? Input.ContactId : user.ContactId;
        var result = await workflow.OpenAsync(
            new OpenCaseRequest(equipmentId.Value, Input.Severity, Input.Description, Channel.Web, contactId, OpeningKey: key),
            user.Actor, ct);
        if (!result.Succeeded || result.Case is not { } @case)
        {
            Problems.Add(result.Problem ?? "The case could not be opened.");
            await LoadChoicesAsync(ct);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        foreach (var (name, bytes, contentType) in uploads)
        {
            var attachment = await files.StoreAsync(@case.Id, name, bytes, contentType, ct);
            await workflow.AttachAsync(@case.Id, expectedVersion: null, attachment, user.Actor, ct);
        }
        TempData["Flash"] = "Case opened.";
        return RedirectToPage("/Cases/Details", new { number = @case.Number });
    }

    private async Task<int?> ResolveEquipmentAsync(int? organizationId, CancellationToken ct)
    {
        if (organizationId is null)
        {
            return null;
        }
        if (Input.MaintenanceCode?.Trim() is { Length: > 0 } code)
        {
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var found = await db.MaintenanceCodes.AsNoTracking()
                .Where(m => m.Code == code && m.Equipment.Site.OrganizationId == organizationId)
                .SingleOrDefaultAsync(ct);
            return found?.ValidityOn(today) == CodeValidity.Valid ? found.EquipmentId : null;
        }
        return Input.EquipmentId is { } id && await db.Equipment.AnyAsync(e => e.Id == id && e.Site.OrganizationId == organizationId, ct)
            ? id
            : null;
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        if (user.IsStaff)
        {
            Organizations = await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new Choice(o.Id, o.Name)).ToListAsync(ct);
        }
        var organizationId = user.IsStaff ? Organization : user.OrganizationId;
        if (organizationId is null)
        {
            return;
        }
        Equipment = await db.Equipment.AsNoTracking()
            .Where(e => e.Site.OrganizationId == organizationId)
            .OrderBy(e => e.Site.Name).ThenBy(e => e.Product)
            .Select(e => new EquipmentChoice(e.Id, e.Site.Name, $"{e.Product} {e.Version} · {e.SerialNumber}"))
            .ToListAsync(ct);
        Contacts = await db.Contacts.AsNoTracking().Where(c => c.OrganizationId == organizationId)
            .OrderBy(c => c.Name).Select(c => new Choice(c.Id, c.Name)).ToListAsync(ct);
    }
}

public sealed record EquipmentChoice(int Id, string Site, string Name);

public sealed class NewCaseInput
{
    public Guid OpeningKey { get; set; }
    public int? EquipmentId { get; set; }
    [StringLength(WebTicketing.Core.Directory.MaintenanceCode.MaxLength)]
    public string? MaintenanceCode { get; set; }
    public int? ContactId { get; set; }
    [Range(1, 4)]
    public Severity Severity { get; set; } = Severity.Minor;
    [Required, StringLength(4000)]
    public string Description { get; set; } = "";
    public List<IFormFile> Files { get; set; } = [];
}
