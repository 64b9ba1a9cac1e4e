namespace WebTicketing.Core.Cases;

/// <summary>What became of a requested change: the console, the IVR and the jobs each answer these in their own way.</summary>
public sealed record CaseChange(CaseChangeOutcome Outcome, Case? Case = null, string? Problem = null)
{
    public bool Succeeded => Outcome == CaseChangeOutcome.Done;

    public static CaseChange Done(Case @case) => new(CaseChangeOutcome.Done, @case);
    public static readonly CaseChange NotFound = new(CaseChangeOutcome.NotFound, Problem: "No such case.");
    public static CaseChange Conflict(Case current) =>
        new(CaseChangeOutcome.Conflict, current, "Someone else changed this case since you opened it. Review their change and try again.");
    public static CaseChange NotAllowed(string problem) => new(CaseChangeOutcome.NotAllowed, Problem: problem);
}

public enum CaseChangeOutcome
{
    Done,
    NotFound,
    Conflict,
    NotAllowed,
}
