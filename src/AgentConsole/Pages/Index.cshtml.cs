using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.AgentConsole.Dashboard;

namespace WebTicketing.AgentConsole.Pages;

/// <summary>The start page: the dashboard for staff; customers go straight to their cases.</summary>
public sealed class IndexModel(DashboardCache dashboard, CurrentUser user) : PageModel
{
    public DashboardData Data { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!user.IsStaff)
        {
            return RedirectToPage("/Cases/Index");
        }
        Data = await dashboard.GetAsync(ct);
        return Page();
    }
}
