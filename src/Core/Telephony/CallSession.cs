using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Telephony;

/// <summary>
/// Where one phone call is in the IVR and what it has collected, keyed by Twilio's CallSid. Kept in the database, not
/// in memory, so any instance can answer any webhook of the call and a restart mid-call loses nothing.
/// </summary>
public sealed class CallSession
{
    public required string CallSid { get; set; }
    /// <summary>Caller ID as Twilio sent it (may be "anonymous" or another non-E.164 placeholder).</summary>
    public string? Caller { get; set; }
    public Language? Language { get; set; }
    public required string Step { get; set; }
    /// <summary>No-input and invalid answers at the current step; reset when the step changes.</summary>
    public int Attempts { get; set; }
    public int CodeFailures { get; set; }
    public string? MaintenanceCode { get; set; }
    public int? EquipmentId { get; set; }
    public int? OrganizationId { get; set; }
    public int? ContactId { get; set; }
    public string? CallbackPhone { get; set; }
    public Severity? Severity { get; set; }
    public string? Description { get; set; }
    public string? RecordingSid { get; set; }
    public string? RecordingPath { get; set; }
    /// <summary>The case the call is about: the one it opened, or the one the caller looked up.</summary>
    public int? CaseId { get; set; }
    public bool CaseOpened { get; set; }
    /// <summary>The case the caller keyed in for its status, waiting for the maintenance code that proves access.</summary>
    public int? PendingCaseId { get; set; }
    public string? DialStatus { get; set; }
    /// <summary>Twilio's <c>I-Twilio-Idempotency-Token</c> of the last step answered, and that answer: a retry gets the same TwiML.</summary>
    public string? LastIdempotencyToken { get; set; }
    public string? LastResponse { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndStatus { get; set; }
    public int Version { get; set; }
}

internal sealed class CallSessionConfiguration : IEntityTypeConfiguration<CallSession>
{
    public void Configure(EntityTypeBuilder<CallSession> session)
    {
        session.HasKey(s => s.CallSid);
        session.Property(s => s.CallSid).HasMaxLength(64);
        session.Property(s => s.Step).HasMaxLength(32);
        session.Property(s => s.Language).HasConversion<string>().HasMaxLength(2);
        // Status callbacks, recording callbacks and call steps of one call may race on two instances.
        session.Property(s => s.Version).IsConcurrencyToken();
        session.HasIndex(s => s.StartedAt);
        // Set once when the call starts. Left out of updates: SQLite rewrites an index entry whenever its column is
        // assigned, even to the same value, which was a second page written by every IVR step.
        session.Property(s => s.StartedAt).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
    }
}

public static class CallSessionTasks
{
    /// <summary>A callback task carrying everything the call collected, so the agent who calls back starts from there.</summary>
    public static CallbackTask ToCallbackTask(this CallSession session, CallbackReason reason, DateTimeOffset at) => new()
    {
        CallSid = session.CallSid,
        Reason = reason,
        CreatedAt = at,
        CallerPhone = PhoneNumbers.IsE164(session.Caller) ? session.Caller : null,
        CallbackPhone = session.CallbackPhone,
        Language = session.Language ?? Language.Es,
        MaintenanceCode = session.MaintenanceCode,
        EquipmentId = session.EquipmentId,
        OrganizationId = session.OrganizationId,
        ContactId = session.ContactId,
        Severity = session.Severity,
        RecordingSid = session.RecordingSid,
        RecordingPath = session.RecordingPath,
        Transcription = session.Description,
        LastStep = session.Step,
        CaseId = session.CaseId,
    };
}
