using System.Linq.Expressions;
using System.Threading.Channels;
using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Core.Sla;

/// <summary>
/// The SLA jobs that committed changes asked for, written to the job store in batches off the request path. Opening a
/// case costs four delayed jobs (warning and due of two targets); one at a time, Hangfire.Storage.SQLite spends
/// about 1–2 ms of CPU and a commit on each, which capped openings near 100 per second. Here a batch is one
/// SQLite transaction. A crash loses what is still queued, and nothing more: every checkpoint is also on the case's
/// indexed NextCheckAt column, where the minute sweep (and the sweep at start) finds it.
/// </summary>
/// <remarks>
/// The client comes before the storage on purpose: resolving it applies this host's Hangfire configuration, which
/// points Hangfire's static log provider at this host's logging before the storage's constructor logs through it
/// (another host in the process, a test's, may have disposed the one it pointed at).
/// </remarks>
public sealed partial class SlaJobQueue(IBackgroundJobClient jobs, JobStorage storage, TimeProvider time, ILogger<SlaJobQueue> logger)
    : BackgroundService
{
    /// <summary>A few tens of milliseconds of job-store write lock at most, so the job server's own writes are not held up.</summary>
    private const int BatchSize = 1000;

    private readonly Channel<(int CaseId, SlaCheckpoint Point)> pending =
        Channel.CreateUnbounded<(int, SlaCheckpoint)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim writing = new(1, 1);

    public void Add(int caseId, SlaCheckpoint point) => pending.Writer.TryWrite((caseId, point));

    /// <summary>Writes everything asked for so far (waiting for a batch another caller is writing). Returns how many jobs it wrote.</summary>
    public async Task<int> WritePendingAsync(CancellationToken cancellationToken = default)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            var written = 0;
            var batch = new List<(int CaseId, SlaCheckpoint Point)>(BatchSize);
            while (true)
            {
                while (batch.Count < BatchSize && pending.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                if (batch.Count == 0)
                {
                    return written;
                }
                try
                {
                    Write(batch);
                    written += batch.Count;
                }
                catch (Exception exception)
                {
                    // The changes are committed; the sweep finds their checkpoints on the indexed column anyway.
                    LogWriteFailed(exception, batch.Count, batch.Select(b => b.CaseId).Distinct().Count());
                }
                batch.Clear();
            }
        }
        finally
        {
            writing.Release();
        }
    }

    private void Write(List<(int CaseId, SlaCheckpoint Point)> batch)
    {
        if (storage is SQLiteStorage sqlite)
        {
            SqliteJobStore.ScheduleMany(sqlite, batch.Select(b => (Job(b.CaseId, b.Point), b.Point.At)), time.GetUtcNow());
            return;
        }
        // Other stores (PostgreSQL) take one transaction per job through the client, which they do cheaply.
        foreach (var (caseId, point) in batch)
        {
            jobs.Schedule(Job(caseId, point), point.At);
        }
    }

    private static Expression<Func<SlaJobs, Task>> Job(int caseId, SlaCheckpoint point) =>
        j => j.CheckAsync(caseId, point.Target, point.Check, point.DueAt.UtcTicks, CancellationToken.None);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await pending.Reader.WaitToReadAsync(stoppingToken))
            {
                await WritePendingAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A graceful stop writes what is still queued.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await WritePendingAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // Stopped after its services were disposed (a test host torn down out of order): what is queued is left
            // to the sweep, as after a crash.
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not write {Jobs} SLA jobs of {Cases} cases; the sweep will catch their checkpoints")]
    private partial void LogWriteFailed(Exception exception, int jobs, int cases);
}
