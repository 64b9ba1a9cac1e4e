using Hangfire;
using Microsoft.Extensions.Logging;

namespace WebTicketing.Core.Sla;

/// <summary>
/// Schedules a delayed Hangfire job for each checkpoint a change created or moved. Jobs it scheduled earlier are left
/// alone: when they run they find their checkpoint gone and do nothing, which is cheaper than tracking job ids.
/// </summary>
public sealed partial class SlaJobScheduler(IBackgroundJobClient jobs, ILogger<SlaJobScheduler> logger)
{
    /// <summary>Call after the change is committed, so a job never runs before the state it checks exists.</summary>
    public void Schedule(int caseId, IReadOnlyList<SlaCheckpoint> before, IReadOnlyList<SlaCheckpoint> after)
    {
        foreach (var point in after.Except(before))
        {
            try
            {
                jobs.Schedule<SlaJobs>(j => j.CheckAsync(caseId, point.Target, point.Check, point.DueAt.UtcTicks, CancellationToken.None), point.At);
            }
            catch (Exception exception)
            {
                // The change is already committed; the minute sweep finds the checkpoint on its indexed column anyway.
                LogScheduleFailed(exception, caseId, point.Target, point.Check);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not schedule the SLA {Check} of {Target} for case {CaseId}; the sweep will catch it")]
    private partial void LogScheduleFailed(Exception exception, int caseId, SlaTargetKind target, SlaCheck check);
}
