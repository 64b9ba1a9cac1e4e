using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Cases;

/// <summary>
/// A customer's request for help about one piece of equipment. Changed only through <see cref="CaseWorkflow"/>,
/// so that every change leaves its <see cref="CaseEvent"/> and the SLA clocks stay right.
/// </summary>
public sealed class Case
{
    public int Id { get; set; }
    public required string Number { get; set; }
    /// <summary>
    /// Names the request that opened the case (a call's CallSid, a web form's token): opening twice with the same key
    /// returns the first case, so a retried webhook or a double-clicked form never opens two.
    /// </summary>
    public string? OpeningKey { get; set; }
    public int OrganizationId { get; set; }
    public Organization Organization { get; set; } = null!;
    public int SiteId { get; set; }
    public Site Site { get; set; } = null!;
    /// <summary>Copied from the site so the regional view filters on an indexed column of the case itself.</summary>
    public int RegionId { get; set; }
    public Region Region { get; set; } = null!;
    public int EquipmentId { get; set; }
    public Equipment Equipment { get; set; } = null!;
    public int? ContactId { get; set; }
    public Contact? Contact { get; set; }
    /// <summary>The number to call back when the caller is not a known contact.</summary>
    public string? CallbackPhone { get; set; }
    public Channel Channel { get; set; }
    public Severity Severity { get; set; }
    public CaseStatus Status { get; set; } = CaseStatus.New;
    public int Tier { get; set; } = 1;
    public int SupportGroupId { get; set; }
    public SupportGroup SupportGroup { get; set; } = null!;
    public int? AssigneeId { get; set; }
    public Agent? Assignee { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Path of the caller's recorded description, relative to the recordings store.</summary>
    public string? RecordingPath { get; set; }
    public string? RecordingSid { get; set; }
    public string? Transcription { get; set; }
    public Language Language { get; set; } = Language.Es;
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? WorkStartedAt { get; set; }
    public DateTimeOffset? FirstRespondedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public SlaState Sla { get; set; } = new();
    /// <summary>Bumped on every save; a stale edit is refused instead of overwriting someone else's change.</summary>
    public int Version { get; set; }
    public List<CaseEvent> Events { get; set; } = [];

    public bool IsOpen => Status is not (CaseStatus.Resolved or CaseStatus.Closed);
}

public enum Channel
{
    Phone,
    Web,
    Sms,
}

/// <summary>How badly the customer is hurt; which of these count as urgent is configuration (<c>Sla:UrgentSeverities</c>).</summary>
public enum Severity
{
    Critical = 1,
    Major = 2,
    Minor = 3,
    Question = 4,
}

public enum CaseStatus
{
    New,
    InProgress,
    WaitingOnCustomer,
    Resolved,
    Closed,
}
