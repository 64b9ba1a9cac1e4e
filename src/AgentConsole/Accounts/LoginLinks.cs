using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Accounts;

/// <summary>
/// First passwords are set through a one-time link: a password-reset token, spent as soon as the password is set
/// (setting it changes the security stamp the token was signed with).
/// </summary>
public sealed class LoginLinks(UserManager<UserAccount> users, WebTicketingDb db, TimeProvider time)
{
    public async Task<string> IssueAsync(UserAccount user, HttpRequest request)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{request.Scheme}://{request.Host}{request.PathBase}/account/set-password?user={Uri.EscapeDataString(user.Id)}&token={WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token))}";
        // No mail sender exists yet: in Local mode the admin hands the link over from the outbox view.
        db.LoginLinkMails.Add(new LoginLinkMail { At = time.GetUtcNow(), UserId = user.Id, To = user.Email ?? user.UserName ?? user.Id, Link = link });
        await db.SaveChangesAsync();
        return link;
    }

    public static string? DecodeToken(string? encoded)
    {
        try
        {
            return encoded is null ? null : System.Text.Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encoded));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
