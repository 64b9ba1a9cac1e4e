using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Pages.Account;

/// <summary>Signing out is a POST with an antiforgery token, so a link on another site cannot sign anyone out.</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<UserAccount> signIn) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Account/Login");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
