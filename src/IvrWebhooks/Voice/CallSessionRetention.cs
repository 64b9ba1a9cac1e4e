using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Data;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// Deletes the sessions of calls that ended more than <see cref="IvrOptions.KeepFinishedCallsFor"/> ago. What a call
/// collected lives on in its case or callback task; the session is only the IVR's working state, and without this
/// the table grows by a row per call forever. Safe to run twice: it deletes what is old at the time it runs.
/// </summary>
public sealed partial class CallSessionRetention(WebTicketingDb db, TimeProvider time, IOptions<IvrOptions> ivr, ILogger<CallSessionRetention> logger)
{
    public const string JobId = "call-session-retention";

    // Small batches: each holds the database's single writer, and webhooks must not wait behind a long delete.
    public const int BatchSize = 500;

    [AutomaticRetry(Attempts = 0)]
    [Queue(PhoneJobs.Queue)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - ivr.Value.KeepFinishedCallsFor;
        var deleted = 0;
        while (true)
        {
            int batch;
            await using (var transaction = await db.BeginWriteAsync(cancellationToken))
            {
                // StartedAt bounds the scan through its index; a session whose status callback never came (EndedAt
                // null) counts as finished once it started before the cutoff: no call lasts that long.
                batch = await db.CallSessions
                    .Where(s => s.StartedAt < cutoff && (s.EndedAt == null || s.EndedAt < cutoff))
                    .OrderBy(s => s.StartedAt)
                    .Take(BatchSize)
                    .ExecuteDeleteAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            deleted += batch;
            if (batch < BatchSize)
            {
                break;
            }
        }
        if (deleted > 0)
        {
            LogDeleted(deleted, cutoff);
        }
        return deleted;
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} call sessions of calls finished before {Cutoff}")]
    private partial void LogDeleted(int count, DateTimeOffset cutoff);
}

/// <summary>Registers the daily retention run where this process runs a Hangfire server, as the other recurring jobs are.</summary>
internal sealed class CallSessionRetentionRegistration(IRecurringJobManager recurringJobs, IConfiguration configuration) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Jobs:RunServer", true))
        {
            recurringJobs.AddOrUpdate<CallSessionRetention>(CallSessionRetention.JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily(3));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
