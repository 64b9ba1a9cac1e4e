namespace WebTicketing.Core.Directory;

public sealed class Contact
{
    public int Id { get; set; }
    public int OrganizationId { get; set; }
    public Organization Organization { get; set; } = null!;
    public required string Name { get; set; }
    /// <summary>E.164, the form Twilio uses in <c>From</c>, so caller ID matches by equality.</summary>
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public Language Language { get; set; } = Language.Es;
    public bool SmsOptIn { get; set; }
}

public enum Language
{
    Es,
    En,
}
