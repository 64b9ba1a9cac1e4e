using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Telephony;

/// <summary>
/// Deletes the sessions of calls that ended more than <see cref="CallSessionRetentionOptions.KeepFinishedCallsFor"/> ago. What a call
/// collected lives on in its case or callback task; the session is only the IVR's working state, and without this
/// the table grows by a row per call forever. Safe to run twice: it deletes what is old at the time it runs.
/// </summary>
public sealed partial class CallSessionRetention(WebTicketingDb db, TimeProvider time, IOptions<CallSessionRetentionOptions> options, ILogger<CallSessionRetention> logger)
{
    public const string JobId = "call-session-retention";

    // Small batches: each holds the database's single writer, and webhooks must not wait behind a long delete.
    public const int BatchSize = 500;

    [AutomaticRetry(Attempts = 0)]
    [Queue(PhoneJobs.Queue)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.KeepFinishedCallsFor;
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

/// <summary>The <c>Ivr</c> section's retention setting, here because the job that reads it must load in every app.</summary>
public sealed class CallSessionRetentionOptions
{
    /// <summary>
    /// How long a finished call's session is kept (<c>Ivr:KeepFinishedCallsFor</c>, default 30 days): long enough to
    /// look into a complaint about a recent call, after which the case or callback task holds what it collected.
    /// </summary>
    public TimeSpan KeepFinishedCallsFor { get; set; } = TimeSpan.FromDays(30);
}
