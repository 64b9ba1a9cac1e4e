namespace WebTicketing.Core.Telephony;

/// <summary>
/// A call being put through to an agent: the console pops it up for the agents of the target group with the caller,
/// the case and its SLA state. Stored, not just broadcast, so any console instance can publish it.
/// </summary>
public sealed class TransferredCall
{
    public long Id { get; set; }
    public required string CallSid { get; set; }
    public DateTimeOffset At { get; set; }
    public string? CallerPhone { get; set; }
    public int? CaseId { get; set; }
    public int SupportGroupId { get; set; }
    public int Tier { get; set; } = 1;
    public required string DialedPhone { get; set; }
    /// <summary>completed, busy, no-answer, failed… from Twilio's Dial action; null while ringing.</summary>
    public string? DialStatus { get; set; }
}
