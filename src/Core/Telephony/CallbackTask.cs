using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Telephony;

/// <summary>
/// Someone to call back: a caller who hung up before a case was opened, or who asked for a callback when no agent
/// answered. Holds everything the call collected so nothing the caller said is lost.
/// </summary>
public sealed class CallbackTask
{
    public int Id { get; set; }
    public required string CallSid { get; set; }
    public CallbackReason Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CallerPhone { get; set; }
    /// <summary>The number the caller keyed in, when caller ID was withheld or unknown.</summary>
    public string? CallbackPhone { get; set; }
    public Language Language { get; set; }
    public string? MaintenanceCode { get; set; }
    public int? EquipmentId { get; set; }
    public int? OrganizationId { get; set; }
    public int? ContactId { get; set; }
    public Severity? Severity { get; set; }
    public string? RecordingPath { get; set; }
    public string? RecordingSid { get; set; }
    public string? Transcription { get; set; }
    /// <summary>The step of the call flow where the caller was when the call ended.</summary>
    public string? LastStep { get; set; }
    public int? CaseId { get; set; }
    public Case? Case { get; set; }
    public int? TakenByAgentId { get; set; }
    public DateTimeOffset? TakenAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? Outcome { get; set; }
}

public enum CallbackReason
{
    Abandoned,
    CallbackRequested,
    NoAgentAnswered,
}
