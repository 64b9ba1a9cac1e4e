namespace WebTicketing.Core.Sla;

/// <summary>
/// The case's SLA clocks as of its last change, stored on the case so lists sort and filter by them without
/// recomputing calendars. <see cref="NextDueAt"/> is the earliest target still running.
/// </summary>
public sealed class SlaState
{
    /// <summary>Urgent cases: work must start; others: a first response is owed.</summary>
    public SlaTargetKind FirstTarget { get; set; }
    public DateTimeOffset FirstTargetDueAt { get; set; }
    public DateTimeOffset FirstTargetWarnAt { get; set; }
    public DateTimeOffset? FirstTargetMetAt { get; set; }
    public bool FirstTargetBreached { get; set; }

    /// <summary>Due instant of the current tier's resolution budget; null while paused or once resolved.</summary>
    public DateTimeOffset? ResolutionDueAt { get; set; }
    public DateTimeOffset? ResolutionWarnAt { get; set; }
    /// <summary>Working time left in the current tier's budget at the moment the clock was last paused.</summary>
    public TimeSpan? ResolutionRemaining { get; set; }
    public DateTimeOffset? ResolutionPausedAt { get; set; }
    public bool ResolutionBreached { get; set; }

    public DateTimeOffset? NextDueAt { get; set; }
}

public enum SlaTargetKind
{
    StartWork,
    FirstResponse,
}
