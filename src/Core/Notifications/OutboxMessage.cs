namespace WebTicketing.Core.Notifications;

/// <summary>
/// An SMS waiting to be sent or already sent. Written in the same transaction as the change that caused it, so a
/// change is never committed without its message nor a message sent for a change that rolled back.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    /// <summary>Names the event that caused the message ("case:42:opened"); unique, so one event never queues two SMS.</summary>
    public required string DedupKey { get; set; }
    public int? CaseId { get; set; }
    public required string To { get; set; }
    public required string Body { get; set; }
    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>
    /// Pending: when the next try is due (a retry's backoff). Sending: the end of the sender's lease — past it the
    /// send is presumed interrupted by a crash and checked (see <see cref="SmsSender.RecoverAsync"/>). Otherwise null.
    /// </summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? MessageSid { get; set; }
    public string? ErrorCode { get; set; }
    public string? Error { get; set; }
}

public enum OutboxStatus
{
    Pending,
    Sending,
    Queued,
    Sent,
    Delivered,
    Undelivered,
    Failed,
}
