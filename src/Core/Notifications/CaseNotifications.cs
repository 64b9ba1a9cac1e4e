using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Decides which case changes the customer hears about by SMS and queues them, inside the workflow's transaction:
/// opened (every channel), InProgress, WaitingOnCustomer, Resolved, and staff's public notes.
/// </summary>
public sealed class CaseNotifications(WebTicketingDb db, SmsOutbox outbox, SmsTexts texts)
{
    public static string OpenedKey(int caseId) => $"case:{caseId}:opened";
    public static string EventKey(int caseId, long caseEventId) => $"case:{caseId}:event:{caseEventId}";

    /// <summary>
    /// Queues the SMS for <paramref name="recorded"/> (already saved, so they have ids) in one go: one check of the
    /// outbox and one send job for the change, however many events it recorded. Says whether any was queued.
    /// </summary>
    public async Task<bool> QueueAsync(Case @case, IReadOnlyList<CaseEvent> recorded, Actor actor, CancellationToken cancellationToken)
    {
        var notices = recorded.Select(caseEvent => NoticeFor(@case, caseEvent, actor)).OfType<Notice>().ToList();
        if (notices.Count == 0 || await RecipientAsync(@case, cancellationToken) is not { } contact)
        {
            return false;
        }
        var messages = notices
            .Select(notice => (notice.Key, Body: notice.Text(contact.Language)))
            .Where(n => n.Body is not null)
            .Select(n => new OutboxMessage { DedupKey = n.Key, To = contact.Phone!, Body = n.Body!, CaseId = @case.Id })
            .ToList();
        return (await outbox.QueueAsync(messages, cancellationToken)).Count > 0;
    }

    private Notice? NoticeFor(Case @case, CaseEvent caseEvent, Actor actor)
    {
        // Customers are not told about what they just did themselves (confirming, reopening) — except the opening,
        // which gives them the case number.
        var byThisContact = actor.Kind == ActorKind.Contact && actor.ContactId == @case.ContactId;
        return caseEvent.Kind switch
        {
            CaseEventKind.Opened => new Notice(OpenedKey(@case.Id), language => texts.Opened(language, @case.Number)),
            CaseEventKind.StatusChanged or CaseEventKind.Reopened when !byThisContact =>
                new Notice(EventKey(@case.Id, caseEvent.Id), language => texts.StatusChanged(language, @case.Number, @case.Status)),
            CaseEventKind.NotePublic when actor.IsStaff =>
                new Notice(EventKey(@case.Id, caseEvent.Id), language => texts.PublicNote(language, @case.Number, caseEvent.Text ?? "")),
            _ => null,
        };
    }

    /// <summary>The case's contact when they accept SMS: opted in, a mobile number we can text, not opted out by STOP.</summary>
    private async Task<Contact?> RecipientAsync(Case @case, CancellationToken cancellationToken)
    {
        if (@case.ContactId is not { } contactId)
        {
            return null;
        }
        var contact = await db.Contacts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == contactId, cancellationToken);
        return contact is { SmsOptIn: true } && PhoneNumbers.IsE164(contact.Phone) ? contact : null;
    }

    private sealed record Notice(string Key, Func<Language, string?> Text);
}
