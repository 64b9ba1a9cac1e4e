using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Queues SMS in the caller's unit of work: the message is saved by the same SaveChanges (or write transaction) as
/// the change that caused it, and sent later by <see cref="SmsSender"/>: at once through a job enqueued after the
/// commit, or by the every-minute <see cref="SmsDispatcher"/> when that job was lost (a crash right after commit).
/// </summary>
public sealed partial class SmsOutbox(WebTicketingDb db, TimeProvider time, IServiceProvider services, ILogger<SmsOutbox> logger)
{
    /// <summary>
    /// Adds the message unless one with the same key was already queued (a retried webhook, a job run twice) or the
    /// phone has opted out (STOP). Says whether it was added.
    /// </summary>
    public async Task<bool> QueueAsync(string dedupKey, string to, string body, int? caseId = null, CancellationToken cancellationToken = default)
    {
        if (db.Outbox.Local.Any(m => m.DedupKey == dedupKey)
            || await db.Outbox.AnyAsync(m => m.DedupKey == dedupKey, cancellationToken)
            || await IsOptedOutAsync(db, to, cancellationToken))
        {
            return false;
        }
        var now = time.GetUtcNow();
        var message = new OutboxMessage { DedupKey = dedupKey, To = to, Body = body, CaseId = caseId, CreatedAt = now, NextAttemptAt = now };
        db.Outbox.Add(message);
        db.WhenCommitted(() => Dispatch(message));
        return true;
    }

    public static Task<bool> IsOptedOutAsync(WebTicketingDb db, string phone, CancellationToken cancellationToken) =>
        db.SmsOptOuts.AnyAsync(o => o.Phone == phone, cancellationToken);

    private void Dispatch(OutboxMessage message)
    {
        if (message.Id <= 0)
        {
            return;
        }
        try
        {
            // Resolved here rather than injected: Hangfire builds its client from global state, and nothing about
            // the job store (not even creating its client) may fail the change that was just committed.
            services.GetRequiredService<IBackgroundJobClient>().Enqueue<SmsSender>(sender => sender.SendAsync(message.Id, CancellationToken.None));
        }
        catch (Exception exception)
        {
            // The change is committed and the message is in the outbox: the dispatcher sends it within a minute.
            LogEnqueueFailed(exception, message.Id);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not enqueue the send job for outbox message {MessageId}; the dispatcher will pick it up")]
    private partial void LogEnqueueFailed(Exception exception, long messageId);
}
