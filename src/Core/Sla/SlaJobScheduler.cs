namespace WebTicketing.Core.Sla;

/// <summary>
/// Asks for a delayed job at each checkpoint a change created or moved. Jobs asked for earlier are left alone: when
/// they run they find their checkpoint gone and do nothing, which is cheaper than tracking job ids.
/// </summary>
public sealed class SlaJobScheduler(SlaJobQueue queue)
{
    /// <summary>
    /// Call after the change is committed, so a job never runs before the state it checks exists. Returns at once: the
    /// jobs reach the job store moments later, written in batches by <see cref="SlaJobQueue"/>.
    /// </summary>
    public void Schedule(int caseId, IReadOnlyList<SlaCheckpoint> before, IReadOnlyList<SlaCheckpoint> after)
    {
        foreach (var point in after.Except(before))
        {
            queue.Add(caseId, point);
        }
    }
}
