namespace WebTicketing.Core.Cases;

/// <summary>One line of a case's timeline. Never updated or deleted: the timeline is the audit trail.</summary>
public sealed class CaseEvent
{
    public long Id { get; set; }
    public int CaseId { get; set; }
    public Case Case { get; set; } = null!;
    public DateTimeOffset At { get; set; }
    public CaseEventKind Kind { get; set; }
    /// <summary>Who did it, as shown on the timeline: an agent's or contact's name, "phone", "system".</summary>
    public required string Actor { get; set; }
    public string? Text { get; set; }
    /// <summary>Customers see public events only; internal notes and staff-only events are false.</summary>
    public bool IsPublic { get; set; }
}

public enum CaseEventKind
{
    Opened,
    StatusChanged,
    NotePublic,
    NoteInternal,
    SeverityChanged,
    Assigned,
    Escalated,
    SlaWarning,
    SlaBreached,
    SlaMet,
    SmsSent,
    SmsDelivered,
    SmsFailed,
    CallReceived,
    CallTransferred,
    RecordingAttached,
    TranscriptionAttached,
    Voicemail,
    ContactUpdated,
    AttachmentAdded,
    Reopened,
}
