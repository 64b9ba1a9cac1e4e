namespace WebTicketing.Core.Notifications;

/// <summary>
/// An SMS a customer sent us, keyed by Twilio's MessageSid: Twilio retries a webhook that failed or timed out, and a
/// retry must neither add the note twice nor answer differently. Claimed before it is handled, so a crash in between
/// loses the action but never the words: <see cref="Body"/> is kept for staff.
/// </summary>
public sealed class InboundSms
{
    public long Id { get; set; }
    public required string MessageSid { get; set; }
    public required string From { get; set; }
    public string Body { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public int? CaseId { get; set; }
    /// <summary>What we answered; null while it is being handled.</summary>
    public string? Reply { get; set; }
}

/// <summary>
/// A phone that texted STOP/BAJA. Keyed by phone rather than contact: the same phone may belong to several contacts,
/// or to none (an agent being paged, a stranger), and the law cares about the phone.
/// </summary>
public sealed class SmsOptOut
{
    public required string Phone { get; set; }
    public DateTimeOffset At { get; set; }
}
