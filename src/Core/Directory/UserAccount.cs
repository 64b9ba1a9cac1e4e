using Microsoft.AspNetCore.Identity;

namespace WebTicketing.Core.Directory;

/// <summary>A console login: either staff (linked to an <see cref="Agent"/>) or a customer (linked to a <see cref="Contact"/>).</summary>
public sealed class UserAccount : IdentityUser
{
    public int? AgentId { get; set; }
    public Agent? Agent { get; set; }
    public int? ContactId { get; set; }
    public Contact? Contact { get; set; }
    public Language? PreferredLanguage { get; set; }
    /// <summary>An IANA time zone ("Europe/Madrid") for times not tied to a case's site; null: the browser's zone.</summary>
    public string? TimeZone { get; set; }
}
