namespace WebTicketing.Core.Cases;

/// <summary>The status transitions the workflow allows; README's table is this one.</summary>
public static class CaseStatusRules
{
    private static readonly Dictionary<CaseStatus, CaseStatus[]> Next = new()
    {
        [CaseStatus.New] = [CaseStatus.InProgress, CaseStatus.WaitingOnCustomer, CaseStatus.Resolved],
        [CaseStatus.InProgress] = [CaseStatus.WaitingOnCustomer, CaseStatus.Resolved],
        [CaseStatus.WaitingOnCustomer] = [CaseStatus.InProgress, CaseStatus.Resolved],
        // Back to InProgress is a reopen: the customer says the fix did not hold.
        [CaseStatus.Resolved] = [CaseStatus.Closed, CaseStatus.InProgress],
        // Closed is final: a new problem is a new case, so the SLA history of this one stays true.
        [CaseStatus.Closed] = [],
    };

    public static bool CanMove(CaseStatus from, CaseStatus to) => Next[from].Contains(to);

    public static IReadOnlyList<CaseStatus> AllowedFrom(CaseStatus from) => Next[from];
}
