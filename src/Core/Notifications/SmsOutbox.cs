using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Queues SMS in the caller's unit of work: the message is saved by the same SaveChanges (or write transaction) as
/// the change that caused it, and sent later by the outbox job.
/// </summary>
public sealed class SmsOutbox(WebTicketingDb db, TimeProvider time)
{
    /// <summary>Adds the message unless one with the same key was already queued (a retried webhook, a job run twice).</summary>
    public async Task<bool> QueueAsync(string dedupKey, string to, string body, int? caseId = null, CancellationToken cancellationToken = default)
    {
        if (db.Outbox.Local.Any(m => m.DedupKey == dedupKey)
            || await db.Outbox.AnyAsync(m => m.DedupKey == dedupKey, cancellationToken))
        {
            return false;
        }
        var now = time.GetUtcNow();
        db.Outbox.Add(new OutboxMessage { DedupKey = dedupKey, To = to, Body = body, CaseId = caseId, CreatedAt = now, NextAttemptAt = now });
        return true;
    }
}
