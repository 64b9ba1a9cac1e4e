using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Sla;

/// <summary>The service promise, configuration section <c>Sla</c>; README's "SLA" section lists the defaults.</summary>
public sealed class SlaOptions
{
    /// <summary>Severities whose first target is starting work within <see cref="StartWorkWithin"/>. Empty means [1].</summary>
    public List<Severity> UrgentSeverities { get; set; } = [];

    /// <summary>Urgent cases: elapsed time, 24x7, from opening until the case is InProgress or an agent takes its call.</summary>
    public TimeSpan StartWorkWithin { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Other cases: working time in the calendar of the case's region; 9 h is one business day.</summary>
    public TimeSpan FirstResponseWorkingTime { get; set; } = TimeSpan.FromHours(9);

    /// <summary>Share of each target after which the warning goes out.</summary>
    public double WarningAt { get; set; } = 0.75;

    /// <summary>Per tier and severity, the time a tier has before the case escalates (urgent: elapsed; others: working).</summary>
    public ResolutionBudgets Resolution { get; set; } = new();

    public bool IsUrgent(Severity severity) => UrgentSeverities.Contains(severity);

    /// <summary>The budget of a tier; null for the supervisors, who hold the case until it is solved.</summary>
    public TimeSpan? Budget(int tier, Severity severity) => tier switch
    {
        1 => Resolution.Tier1.For(severity),
        2 => Resolution.Tier2.For(severity),
        SupportGroup.TopTier => Resolution.Tier3.For(severity),
        _ => null,
    };
}

public sealed class ResolutionBudgets
{
    public TierBudget Tier1 { get; set; } = TierBudget.Hours(critical: 4, major: 9, minor: 18, question: 27);
    public TierBudget Tier2 { get; set; } = TierBudget.Hours(critical: 8, major: 18, minor: 27, question: 45);
    public TierBudget Tier3 { get; set; } = TierBudget.Hours(critical: 12, major: 27, minor: 45, question: 90);
}

public sealed class TierBudget
{
    internal static TierBudget Hours(double critical, double major, double minor, double question) => new()
    {
        Critical = TimeSpan.FromHours(critical),
        Major = TimeSpan.FromHours(major),
        Minor = TimeSpan.FromHours(minor),
        Question = TimeSpan.FromHours(question),
    };

    public TimeSpan Critical { get; set; }
    public TimeSpan Major { get; set; }
    public TimeSpan Minor { get; set; }
    public TimeSpan Question { get; set; }

    public TimeSpan For(Severity severity) => severity switch
    {
        Severity.Critical => Critical,
        Severity.Major => Major,
        Severity.Minor => Minor,
        _ => Question,
    };
}
