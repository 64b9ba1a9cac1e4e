using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Sends outbox messages, each at most once: a message is claimed (Pending → Sending, one conditional UPDATE) before
/// Twilio is called, so a job run twice or two dispatchers racing send it once. A message left Sending by a crash
/// is not re-sent blindly: see <see cref="RecoverAsync"/>.
/// </summary>
public sealed partial class SmsSender(
    WebTicketingDb db,
    TimeProvider time,
    TwilioMessages twilio,
    CaseWorkflow workflow,
    IOptionsMonitor<TwilioOptions> twilioOptions,
    IOptions<SmsOptions> options,
    ILogger<SmsSender> logger)
{
    public const string DispatcherJobId = "sms-dispatch";
    public const string OptedOutCode = "opted-out";
    public const string UnconfirmedCode = "unconfirmed";
    // Twilio: the recipient replied STOP to our number; Twilio refuses every send until they reply START.
    private const string TwilioUnsubscribed = "21610";

    private static readonly Counter<long> Sent = Telemetry.Meter.CreateCounter<long>("webticketing.sms.sent", description: "SMS accepted by Twilio (or the local outbox)");
    private static readonly Counter<long> Failed = Telemetry.Meter.CreateCounter<long>("webticketing.sms.failed", description: "SMS given up, by error code");

    /// <summary>Sends one message. Does nothing unless it is still pending and due.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task SendAsync(long outboxMessageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var message = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.Id == outboxMessageId, cancellationToken);
        if (message is null || message.Status != OutboxStatus.Pending || message.NextAttemptAt > now)
        {
            return;
        }
        if (!await ClaimAsync(message.Id, OutboxStatus.Pending, message.NextAttemptAt, cancellationToken))
        {
            return;
        }
        // Checked again at send time: STOP may have arrived after the message was queued.
        var outcome = await SmsOutbox.IsOptedOutAsync(db, message.To, cancellationToken)
            ? new SendOutcome.Permanent(OptedOutCode, "The recipient opted out (STOP) before the message was sent.")
            : await DeliverAsync(message);
        await RecordAsync(message.Id, outcome, cancellationToken);
    }

    /// <summary>
    /// The job enqueued after a commit, for the messages it queued, one after another. A message that fails in an
    /// unexpected way does not hold back the others; it is left to the dispatcher (or to <see cref="RecoverAsync"/>).
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task SendAsync(long[] outboxMessageIds, CancellationToken cancellationToken)
    {
        foreach (var id in outboxMessageIds)
        {
            try
            {
                await SendAsync(id, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                db.ChangeTracker.Clear();
                LogSendFailed(exception, id);
            }
        }
    }

    /// <summary>The every-minute job: sends what is due (retries, messages whose job was lost) and checks stuck sends.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task DispatchDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await db.Outbox.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => m.Id).Take(options.Value.BatchSize).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await SendAsync(id, cancellationToken);
        }
        var stuck = await db.Outbox.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Sending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => m.Id).Take(options.Value.BatchSize).ToListAsync(cancellationToken);
        foreach (var id in stuck)
        {
            await RecoverAsync(id, cancellationToken);
        }
    }

    /// <summary>
    /// A message still Sending after its lease was claimed by a sender that died between claiming and recording
    /// (a restart mid-send). Whether Twilio got it is unknown, and Twilio has no idempotency key, so: in Local mode
    /// nothing left the process and it is simply sent again; in Live mode Twilio is asked for a message to the same
    /// number with the same text since the row was created — found, it is adopted (no second SMS); not found, it is
    /// sent again; Twilio unreachable, it is asked again later, and after <see cref="SmsOptions.MaxAttempts"/> the
    /// message is failed as "unconfirmed" for a human to check in Twilio's console rather than risk a duplicate.
    /// </summary>
    public async Task RecoverAsync(long outboxMessageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var message = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.Id == outboxMessageId, cancellationToken);
        if (message is null || message.Status != OutboxStatus.Sending || message.NextAttemptAt > now
            // Re-claiming the lease makes a concurrent recoverer back off.
            || !await ClaimAsync(message.Id, OutboxStatus.Sending, message.NextAttemptAt, cancellationToken, countAttempt: false))
        {
            return;
        }
        LogRecovering(message.Id, message.Attempts);
        if (twilioOptions.CurrentValue.Mode == TwilioMode.Local)
        {
            await ReleaseAsync(message.Id, now, cancellationToken);
            return;
        }
        SendOutcome.Accepted? found;
        try
        {
            found = await twilio.FindAsync(message);
        }
        catch (Exception exception) when (TwilioMessages.Classify(exception) is not null)
        {
            if (message.Attempts >= options.Value.MaxAttempts)
            {
                await RecordAsync(message.Id, new SendOutcome.Permanent(UnconfirmedCode,
                    "Interrupted while sending and Twilio could not be asked whether it was sent: check Twilio's message log."), cancellationToken);
            }
            return;
        }
        if (found is not null)
        {
            await RecordAsync(message.Id, found, cancellationToken);
        }
        else
        {
            await ReleaseAsync(message.Id, now, cancellationToken);
        }
    }

    private async Task<SendOutcome> DeliverAsync(OutboxMessage message)
    {
        if (twilioOptions.CurrentValue.Mode == TwilioMode.Local)
        {
            // Local mode: the outbox is the phone. A fake sid in Twilio's shape keeps the console's views the same.
            return new SendOutcome.Accepted($"SMlocal{message.Id:d25}", "delivered");
        }
        return await twilio.CreateAsync(message);
    }

    /// <summary>Moves the message from <paramref name="from"/> to Sending if nobody else did first.</summary>
    private async Task<bool> ClaimAsync(long id, OutboxStatus from, DateTimeOffset? seenNextAttemptAt, CancellationToken cancellationToken, bool countAttempt = true)
    {
        var leaseEnds = time.GetUtcNow() + options.Value.SendingLease;
        var increment = countAttempt ? 1 : 0;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var claimed = await db.Outbox
            .Where(m => m.Id == id && m.Status == from && m.NextAttemptAt == seenNextAttemptAt)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, OutboxStatus.Sending)
                .SetProperty(m => m.Attempts, m => m.Attempts + increment)
                // While Sending, NextAttemptAt is the end of the sender's lease: past it the send is presumed stuck.
                .SetProperty(m => m.NextAttemptAt, leaseEnds), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed == 1;
    }

    private async Task ReleaseAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.Outbox.Where(m => m.Id == id && m.Status == OutboxStatus.Sending)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.NextAttemptAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task RecordAsync(long id, SendOutcome outcome, CancellationToken cancellationToken)
    {
        var message = await db.Outbox.SingleAsync(m => m.Id == id, cancellationToken);
        var now = time.GetUtcNow();
        switch (outcome)
        {
            case SendOutcome.Accepted accepted:
                message.Status = SmsDelivery.StatusOf(accepted.Status) is { } status && status > OutboxStatus.Sending ? status : OutboxStatus.Queued;
                message.MessageSid = accepted.Sid;
                message.SentAt = now;
                message.NextAttemptAt = null;
                message.ErrorCode = null;
                message.Error = null;
                // The SLA's "first response" hook belongs here for messages carrying a staff action (keys case:N:event:M).
                Timeline(message, CaseEventKind.SmsSent, $"SMS to {message.To}: {Excerpt(message.Body)}");
                if (message.Status == OutboxStatus.Delivered)
                {
                    Timeline(message, CaseEventKind.SmsDelivered, $"SMS delivered to {message.To}");
                }
                Sent.Add(1);
                break;
            case SendOutcome.Transient transient when message.Attempts < options.Value.MaxAttempts:
                message.Status = OutboxStatus.Pending;
                message.NextAttemptAt = now + options.Value.RetryDelay(message.Attempts);
                message.ErrorCode = transient.Code;
                message.Error = transient.Error;
                LogRetrying(message.Id, message.Attempts, transient.Code, transient.Error);
                break;
            case SendOutcome.Transient or SendOutcome.Permanent:
                var (code, error) = outcome switch
                {
                    SendOutcome.Permanent permanent => (permanent.Code, permanent.Error),
                    SendOutcome.Transient transient => (transient.Code, $"Gave up after {message.Attempts} attempts: {transient.Error}"),
                    _ => throw new UnreachableException(),
                };
                message.Status = OutboxStatus.Failed;
                message.NextAttemptAt = null;
                message.ErrorCode = code;
                message.Error = error;
                Timeline(message, CaseEventKind.SmsFailed, $"SMS to {message.To} failed ({code}): {error}");
                if (code == TwilioUnsubscribed && !await SmsOutbox.IsOptedOutAsync(db, message.To, cancellationToken))
                {
                    db.SmsOptOuts.Add(new SmsOptOut { Phone = message.To, At = now });
                }
                Failed.Add(1, new KeyValuePair<string, object?>("code", code));
                LogFailed(message.Id, code, error);
                break;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private void Timeline(OutboxMessage message, CaseEventKind kind, string text)
    {
        if (message.CaseId is { } caseId)
        {
            workflow.RecordSms(caseId, kind, text);
        }
    }

    private static string Excerpt(string body) => body.Length <= 80 ? body : body[..77] + "...";

    [LoggerMessage(LogLevel.Error, "SMS {MessageId} could not be sent; the dispatcher will try again")]
    private partial void LogSendFailed(Exception exception, long messageId);

    [LoggerMessage(LogLevel.Warning, "SMS {MessageId} attempt {Attempts} failed ({Code}: {Error}); will retry")]
    private partial void LogRetrying(long messageId, int attempts, string code, string error);

    [LoggerMessage(LogLevel.Warning, "SMS {MessageId} failed for good ({Code}: {Error})")]
    private partial void LogFailed(long messageId, string code, string error);

    [LoggerMessage(LogLevel.Warning, "SMS {MessageId} was left sending after {Attempts} attempts (restart mid-send?); checking before any re-send")]
    private partial void LogRecovering(long messageId, int attempts);
}
