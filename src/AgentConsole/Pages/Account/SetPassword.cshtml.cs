using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Pages.Account;

/// <summary>Where a one-time link lands: the login chooses its password, which spends the link.</summary>
[AllowAnonymous]
public sealed class SetPasswordModel(UserManager<UserAccount> users) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public SetPasswordInput Input { get; set; } = new();

    public List<string> Problems { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            Problems.Add("The two passwords must match and be at least 10 characters long.");
            return Page();
        }
        var user = UserId is null ? null : await users.FindByIdAsync(UserId);
        var token = LoginLinks.DecodeToken(Token);
        if (user is null || token is null)
        {
            Problems.Add("This link is not valid any more. Ask an administrator for a new one.");
            return Page();
        }
        var result = await users.ResetPasswordAsync(user, token, Input.Password);
        if (!result.Succeeded)
        {
            Problems.AddRange(result.Errors.Any(e => e.Code == "InvalidToken")
                ? ["This link is not valid any more. Ask an administrator for a new one."]
                : result.Errors.Select(e => e.Description));
            return Page();
        }
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        TempData["Flash"] = "Password set. You can sign in now.";
        return RedirectToPage("/Account/Login");
    }
}

public sealed class SetPasswordInput
{
    [Required, MinLength(10)]
    public string Password { get; set; } = "";

    [Required, Compare(nameof(Password))]
    public string Confirm { get; set; } = "";
}
