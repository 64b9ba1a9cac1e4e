using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Sla;

/// <summary>
/// The Hangfire side of the SLA: a delayed job per checkpoint and a sweep every minute for anything a job missed
/// (a restart, a failed schedule). Both only decide which case to look at; <see cref="CaseWorkflow.ProcessSlaAsync"/>
/// re-reads the case and acts on what is due by the domain clock, so stale and repeated jobs do nothing.
/// </summary>
public sealed partial class SlaJobs(WebTicketingDb db, CaseWorkflow workflow, TimeProvider time, ILogger<SlaJobs> logger)
{
    public const string SweepJobId = "sla-sweep";
    private const int SweepBatch = 200;
    /// <summary>
    /// Cases acted on per save: one transaction holds the write gate (and the phone line's writes) for tens of
    /// milliseconds at most. 100 breaches saved in 30–45 ms on 2 busy cores; 50 paid the per-save costs (loading,
    /// the outbox checks, the commit, the send job) twice as often for the same backlog.
    /// </summary>
    private const int SaveBatch = 100;

    /// <summary>Runs at a checkpoint's instant; does nothing when the target was met or its due moved since scheduling.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task<bool> CheckAsync(int caseId, SlaTargetKind target, SlaCheck check, long dueUtcTicks, CancellationToken cancellationToken)
    {
        var sla = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.Sla).SingleOrDefaultAsync(cancellationToken);
        var stillPending = sla is not null && SlaClock.Checkpoints(sla)
            .Any(p => p.Target == target && p.Check == check && p.DueAt.UtcTicks == dueUtcTicks);
        if (!stillPending)
        {
            LogStale(caseId, target, check);
            return false;
        }
        return (await workflow.ProcessSlaAsync(caseId, cancellationToken)).Count > 0;
    }

    /// <summary>Processes every case with a checkpoint at or before now, oldest first. Returns how many cases it acted on.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seen = new HashSet<int>();
        var acted = 0;
        while (true)
        {
            var ids = await db.Cases.AsNoTracking()
                .Where(c => c.Sla.NextCheckAt <= now)
                .OrderBy(c => c.Sla.NextCheckAt)
                .Select(c => c.Id)
                .Take(SweepBatch)
                .ToListAsync(cancellationToken);
            // A case that could not be moved on (a conflict that outlived its retries) must not loop the sweep.
            var fresh = ids.Where(seen.Add).ToList();
            if (fresh.Count == 0)
            {
                return acted;
            }
            foreach (var batch in fresh.Chunk(SaveBatch))
            {
                try
                {
                    acted += await workflow.ProcessSlaAsync(batch, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // One case that cannot be processed must not hold back every case behind it, every minute.
                    foreach (var id in batch)
                    {
                        try
                        {
                            if ((await workflow.ProcessSlaAsync(id, cancellationToken)).Count > 0)
                            {
                                acted++;
                            }
                        }
                        catch (Exception caseException) when (caseException is not OperationCanceledException)
                        {
                            LogCaseFailed(caseException, id);
                        }
                    }
                }
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "SLA sweep could not process case {CaseId}")]
    private partial void LogCaseFailed(Exception exception, int caseId);

    [LoggerMessage(LogLevel.Debug, "SLA {Check} of {Target} for case {CaseId} is no longer pending")]
    private partial void LogStale(int caseId, SlaTargetKind target, SlaCheck check);
}

/// <summary>On start: the minute sweep is (re)registered, and one sweep runs at once so deadlines passed while stopped are handled now.</summary>
internal sealed class SlaJobsStartup(IRecurringJobManager recurring, IBackgroundJobClient jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<SlaJobs>(SlaJobs.SweepJobId, j => j.SweepAsync(CancellationToken.None), Cron.Minutely());
        jobs.Enqueue<SlaJobs>(j => j.SweepAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
