using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Queues SMS in the caller's unit of work: the message is saved by the same SaveChanges (or write transaction) as
/// the change that caused it, and sent later by <see cref="SmsSender"/>: at once through a job enqueued after the
/// commit (one per call, for all the messages it queued), or by the every-minute <see cref="SmsDispatcher"/> when
/// that job was lost (a crash right after commit).
/// </summary>
public sealed partial class SmsOutbox(WebTicketingDb db, TimeProvider time, IServiceProvider services, ILogger<SmsOutbox> logger)
{
    /// <summary>
    /// Adds the message unless one with the same key was already queued (a retried webhook, a job run twice) or the
    /// phone has opted out (STOP). Says whether it was added.
    /// </summary>
    public async Task<bool> QueueAsync(string dedupKey, string to, string body, int? caseId = null, CancellationToken cancellationToken = default) =>
        (await QueueAsync([new OutboxMessage { DedupKey = dedupKey, To = to, Body = body, CaseId = caseId }], cancellationToken)).Count > 0;

    /// <summary>
    /// <see cref="QueueAsync(string, string, string, int?, CancellationToken)"/> for many messages at once, with one
    /// query for the keys already queued and one for opted-out phones however many there are, and one send job for all
    /// of them after the commit: the SLA sweep queues a backlog's alerts this way. Returns the messages it added.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> QueueAsync(IReadOnlyCollection<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var keys = messages.Select(m => m.DedupKey).Distinct().ToList();
        var phones = messages.Select(m => m.To).Distinct().ToList();
        var taken = (await db.Outbox.Where(m => keys.Contains(m.DedupKey)).Select(m => m.DedupKey).ToListAsync(cancellationToken)).ToHashSet();
        taken.UnionWith(KeysInThisUnitOfWork());
        var optedOut = (await db.SmsOptOuts.Where(o => phones.Contains(o.Phone)).Select(o => o.Phone).ToListAsync(cancellationToken)).ToHashSet();
        var now = time.GetUtcNow();
        var added = new List<OutboxMessage>();
        foreach (var message in messages)
        {
            if (optedOut.Contains(message.To) || !taken.Add(message.DedupKey))
            {
                continue;
            }
            message.CreatedAt = now;
            message.NextAttemptAt = now;
            db.Outbox.Add(message);
            added.Add(message);
        }
        if (added.Count > 0)
        {
            db.WhenCommitted(() => Dispatch(added));
        }
        return added;
    }

    /// <summary>
    /// Keys of the messages this context tracks. Added messages are tracked from the moment they are added, so the
    /// change tracker need not scan every tracked case and event for changes first, as DbSet.Local and Entries()
    /// would: in a backlog sweep that scan was an eighth of the time.
    /// </summary>
    private List<string> KeysInThisUnitOfWork()
    {
        using (new AutoDetectPaused(db.ChangeTracker))
        {
            return db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity.DedupKey).ToList();
        }
    }

    public static Task<bool> IsOptedOutAsync(WebTicketingDb db, string phone, CancellationToken cancellationToken) =>
        db.SmsOptOuts.AnyAsync(o => o.Phone == phone, cancellationToken);

    private void Dispatch(List<OutboxMessage> messages)
    {
        var ids = messages.Select(m => m.Id).Where(id => id > 0).ToArray();
        if (ids.Length == 0)
        {
            return;
        }
        try
        {
            // Resolved here rather than injected: Hangfire builds its client from global state, and nothing about
            // the job store (not even creating its client) may fail the change that was just committed.
            // One job for the lot: on Hangfire.Storage.SQLite each enqueue costs ≈ 1.5 ms of CPU and its own commit,
            // more than queuing the message itself, which made a backlog's alerts most of the sweep's time.
            services.GetRequiredService<IBackgroundJobClient>().Enqueue<SmsSender>(sender => sender.SendAsync(ids, CancellationToken.None));
        }
        catch (Exception exception)
        {
            // The change is committed and the messages are in the outbox: the dispatcher sends them within a minute.
            LogEnqueueFailed(exception, ids.Length, ids[0]);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not enqueue the send job for {Messages} outbox messages from {FirstMessageId}; the dispatcher will pick them up")]
    private partial void LogEnqueueFailed(Exception exception, int messages, long firstMessageId);
}
