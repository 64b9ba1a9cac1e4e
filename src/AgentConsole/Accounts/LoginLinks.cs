using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Accounts;

/// <summary>
/// First passwords are set through a one-time link: a password-reset token, spent as soon as the password is set
/// (setting it changes the security stamp the token was signed with).
/// </summary>
public sealed class LoginLinks(UserManager<UserAccount> users, LocalMailbox mailbox, TimeProvider time)
{
    public async Task<string> IssueAsync(UserAccount user, HttpRequest request)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{request.Scheme}://{request.Host}{request.PathBase}/account/set-password?user={Uri.EscapeDataString(user.Id)}&token={WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token))}";
        // No mail sender exists yet: in Local mode the admin hands the link over, so it is kept for the outbox view.
        mailbox.Add(new LocalMail(time.GetUtcNow(), user.Email ?? user.UserName ?? user.Id, link));
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

public sealed record LocalMail(DateTimeOffset At, string To, string Link);

/// <summary>The login links issued by this process, newest first, for the admin's local outbox view.</summary>
public sealed class LocalMailbox
{
    private const int Keep = 50;
    private readonly ConcurrentQueue<LocalMail> mails = new();

    public void Add(LocalMail mail)
    {
        mails.Enqueue(mail);
        while (mails.Count > Keep && mails.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<LocalMail> Newest() => mails.Reverse().ToList();
}
