using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace WebTicketing.AgentConsole.Pages;

public class IndexModel : PageModel
{
    public void OnGet()
    {

    }
}
