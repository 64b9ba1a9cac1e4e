using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WebTicketing.AgentConsole.Localization;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Pages.Account;

/// <summary>The language switcher: saved on the login (so it follows the user) and in a cookie (for the sign-in page).</summary>
[AllowAnonymous]
public sealed class LanguageModel(UserManager<UserAccount> users, SignInManager<UserAccount> signIn) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("~/");

    public async Task<IActionResult> OnPostAsync(string culture, string? returnUrl)
    {
        if (!ConsoleLocalization.IsSupported(culture))
        {
            return BadRequest();
        }
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Request.IsHttps, IsEssential = true });
        if (User.Identity?.IsAuthenticated == true && await users.GetUserAsync(User) is { } user)
        {
            user.PreferredLanguage = culture == "en" ? Language.En : Language.Es;
            await users.UpdateAsync(user);
            await signIn.RefreshSignInAsync(user);
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "~/");
    }

    /// <summary>Saves the login's time zone; an empty one means "the browser's".</summary>
    public async Task<IActionResult> OnPostZoneAsync(string? zone, string? returnUrl)
    {
        if (User.Identity?.IsAuthenticated != true || await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (!string.IsNullOrEmpty(zone) && ConsoleTime.Find(zone) is null)
        {
            return BadRequest();
        }
        user.TimeZone = string.IsNullOrEmpty(zone) ? null : zone;
        await users.UpdateAsync(user);
        await signIn.RefreshSignInAsync(user);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "~/");
    }
}
