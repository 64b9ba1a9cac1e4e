using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Applies Twilio's message status callbacks. Callbacks come at least once and in any order, so a status only ever
/// moves a message forward: a late "sent" after "delivered" changes nothing, and a repeated one writes nothing.
/// </summary>
public sealed class SmsDelivery(WebTicketingDb db, CaseWorkflow workflow)
{
    /// <summary>Twilio's MessageStatus as ours; null for statuses of inbound messages and unknown ones.</summary>
    public static OutboxStatus? StatusOf(string? twilioStatus) => twilioStatus?.ToLowerInvariant() switch
    {
        "accepted" or "scheduled" or "queued" or "sending" => OutboxStatus.Queued,
        "sent" => OutboxStatus.Sent,
        "delivered" or "read" => OutboxStatus.Delivered,
        "undelivered" => OutboxStatus.Undelivered,
        "failed" or "canceled" => OutboxStatus.Failed,
        _ => null,
    };

    /// <summary>Says whether the message moved; false for an unknown sid, an unknown status or a stale callback.</summary>
    public async Task<bool> ApplyAsync(string messageSid, string? twilioStatus, string? errorCode, CancellationToken cancellationToken)
    {
        if (StatusOf(twilioStatus) is not { } status)
        {
            return false;
        }
        var earlier = Earlier(status);
        errorCode = string.IsNullOrWhiteSpace(errorCode) ? null : errorCode.Trim();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // One conditional UPDATE: two callbacks racing cannot both move the message, nor move it backwards.
        var moved = await db.Outbox
            .Where(m => m.MessageSid == messageSid && earlier.Contains(m.Status))
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, status)
                .SetProperty(m => m.ErrorCode, m => errorCode ?? m.ErrorCode), cancellationToken);
        if (moved == 0)
        {
            return false;
        }
        var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.MessageSid == messageSid, cancellationToken);
        if (message.CaseId is { } caseId && status is OutboxStatus.Delivered or OutboxStatus.Undelivered or OutboxStatus.Failed)
        {
            workflow.RecordSms(caseId,
                status == OutboxStatus.Delivered ? CaseEventKind.SmsDelivered : CaseEventKind.SmsFailed,
                status == OutboxStatus.Delivered
                    ? $"SMS delivered to {message.To}"
                    : $"SMS to {message.To} {status.ToString().ToLowerInvariant()}{(errorCode is null ? "" : $" (Twilio error {errorCode})")}");
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The statuses a message may leave for <paramref name="status"/>: only those before it in the lifecycle.</summary>
    private static OutboxStatus[] Earlier(OutboxStatus status) => status switch
    {
        OutboxStatus.Queued => [OutboxStatus.Pending, OutboxStatus.Sending],
        OutboxStatus.Sent => [OutboxStatus.Pending, OutboxStatus.Sending, OutboxStatus.Queued],
        // Final states: delivered, undelivered and failed never replace one another.
        _ => [OutboxStatus.Pending, OutboxStatus.Sending, OutboxStatus.Queued, OutboxStatus.Sent],
    };
}
