namespace WebTicketing.Core.Sla;

/// <summary>
/// The case's SLA clocks as of its last change, stored on the case so lists sort and filter by them without
/// recomputing calendars. Only <see cref="SlaClock"/> writes it.
/// </summary>
public sealed class SlaState
{
    /// <summary>Urgent cases: work must start; others: a first response is owed.</summary>
    public SlaTargetKind FirstTarget { get; set; }
    /// <summary>The promise read to the caller by the IVR.</summary>
    public DateTimeOffset FirstTargetDueAt { get; set; }
    public DateTimeOffset FirstTargetWarnAt { get; set; }
    public DateTimeOffset? FirstTargetMetAt { get; set; }
    public bool FirstTargetWarned { get; set; }
    /// <summary>Missed: the due instant passed before the target was met (it may have been met late since).</summary>
    public bool FirstTargetBreached { get; set; }

    /// <summary>Budget of the current tier (null with the supervisors): what 75 % is measured against after a pause.</summary>
    public TimeSpan? ResolutionBudget { get; set; }
    /// <summary>Due instant of the current tier's resolution budget; null while paused, with the supervisors, or once resolved.</summary>
    public DateTimeOffset? ResolutionDueAt { get; set; }
    public DateTimeOffset? ResolutionWarnAt { get; set; }
    /// <summary>Time left in the current tier's budget at the moment the clock was last paused.</summary>
    public TimeSpan? ResolutionRemaining { get; set; }
    public DateTimeOffset? ResolutionPausedAt { get; set; }
    public bool ResolutionWarned { get; set; }
    /// <summary>Some tier's budget ran out on this case (the case escalated because of it).</summary>
    public bool ResolutionBreached { get; set; }

    /// <summary>Earliest due instant of a target not yet met, overdue ones included: what the console sorts by.</summary>
    public DateTimeOffset? NextDueAt { get; set; }
    /// <summary>Next instant the SLA jobs must act on this case (a warning or a due); the sweep's indexed column.</summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    public bool IsPaused => ResolutionPausedAt is not null;
}

public enum SlaTargetKind
{
    StartWork,
    FirstResponse,
    /// <summary>The current tier's resolution budget; never a <see cref="SlaState.FirstTarget"/>.</summary>
    Resolution,
}

public enum SlaCheck
{
    Warning,
    Breach,
}

/// <summary>A moment the SLA jobs must look at a case: the warning or the due instant of one target.</summary>
public readonly record struct SlaCheckpoint(SlaTargetKind Target, SlaCheck Check, DateTimeOffset At, DateTimeOffset DueAt);
