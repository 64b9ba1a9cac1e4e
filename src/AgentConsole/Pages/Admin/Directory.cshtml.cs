using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Pages.Admin;

/// <summary>
/// The directory upload: the same importer and the same rules as the <c>import</c> command, so a file the CLI rejects
/// is rejected here with the same JSON paths, and nothing is written.
/// </summary>
[Authorize(Policy = ConsoleIdentity.AdminPolicy)]
[RequestSizeLimit(MaxFileBytes + 64 * 1024)]
public sealed class DirectoryModel(DirectoryImporter importer) : PageModel
{
    private const long MaxFileBytes = 5 * 1024 * 1024;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public DirectoryImportResult? Result { get; private set; }
    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is not { Length: > 0 })
        {
            Problem = "Choose a directory file (JSON).";
            return Page();
        }
        if (Upload.Length > MaxFileBytes)
        {
            Problem = "The file is larger than 5 MB.";
            return Page();
        }
        using var reader = new StreamReader(Upload.OpenReadStream());
        // Passwords in a file are for the shipped demo only: an uploaded directory never sets them.
        Result = await importer.ImportAsync(await reader.ReadToEndAsync(ct), new DirectoryImportOptions { AllowPasswords = false }, ct);
        if (!Result.Succeeded)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        return Page();
    }
}
