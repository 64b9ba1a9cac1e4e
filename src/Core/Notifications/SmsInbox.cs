using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// Answers the SMS customers send to the support line: STATUS/ESTADO lookups, STOP/START/HELP (and BAJA/ALTA/AYUDA),
/// and free text added as a public note to the sender's open case. Each MessageSid is handled once.
/// </summary>
public sealed partial class SmsInbox(WebTicketingDb db, CaseWorkflow workflow, LookupGuard guard, SmsTexts texts, TimeProvider time)
{
    // Twilio's own opt-out keywords plus the Spanish ones; like Twilio, only a message that is just the keyword counts.
    private static readonly Dictionary<string, (Keyword Keyword, Language? Language)> Keywords = new(StringComparer.Ordinal)
    {
        ["STOP"] = (Keyword.Stop, Language.En), ["STOPALL"] = (Keyword.Stop, Language.En), ["UNSUBSCRIBE"] = (Keyword.Stop, Language.En),
        ["CANCEL"] = (Keyword.Stop, Language.En), ["END"] = (Keyword.Stop, Language.En), ["QUIT"] = (Keyword.Stop, Language.En),
        ["BAJA"] = (Keyword.Stop, Language.Es),
        ["START"] = (Keyword.Start, Language.En), ["UNSTOP"] = (Keyword.Start, Language.En), ["YES"] = (Keyword.Start, Language.En),
        ["ALTA"] = (Keyword.Start, Language.Es),
        ["HELP"] = (Keyword.Help, Language.En), ["INFO"] = (Keyword.Help, null), ["AYUDA"] = (Keyword.Help, Language.Es),
    };

    /// <summary>
    /// The reply to send back, or null when there is nothing to say: the phone opted out, or this is a retry of a
    /// message still being handled.
    /// </summary>
    public async Task<string?> HandleAsync(string messageSid, string? from, string? body, CancellationToken cancellationToken)
    {
        if (await db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.MessageSid == messageSid, cancellationToken) is { } seen)
        {
            return seen.Reply;
        }
        var inbound = new InboundSms { MessageSid = messageSid, From = from ?? "", Body = body ?? "", ReceivedAt = time.GetUtcNow() };
        db.InboundSms.Add(inbound);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same message arriving twice at once: the other request answers it.
            db.ChangeTracker.Clear();
            return (await db.InboundSms.AsNoTracking().SingleAsync(m => m.MessageSid == messageSid, cancellationToken)).Reply;
        }
        var (reply, caseId) = await AnswerAsync(from, (body ?? "").Trim(), cancellationToken);
        db.ChangeTracker.Clear();
        var handled = await db.InboundSms.SingleAsync(m => m.Id == inbound.Id, cancellationToken);
        handled.Reply = reply;
        handled.CaseId = caseId;
        await db.SaveChangesAsync(cancellationToken);
        return reply;
    }

    private async Task<(string? Reply, int? CaseId)> AnswerAsync(string? from, string text, CancellationToken cancellationToken)
    {
        var phone = PhoneNumbers.IsE164(from) ? from : null;
        var contacts = phone is null ? [] : await db.Contacts.Where(c => c.Phone == phone).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var upper = text.ToUpperInvariant();
        Keywords.TryGetValue(upper, out var keyword);
        var command = CommandPattern().Match(upper);
        var language = contacts.FirstOrDefault()?.Language
            ?? keyword.Language
            ?? (command.Success ? (command.Groups["word"].Value == "STATUS" ? Language.En : Language.Es) : Language.Es);

        if (keyword.Keyword == Keyword.None && phone is not null && await SmsOutbox.IsOptedOutAsync(db, phone, cancellationToken))
        {
            // Opted out means no SMS from us, replies included; what they wrote is still handled (a note is kept).
            var (_, noteCaseId) = await AnswerWithoutKeywordAsync(from, contacts, text, command, language, cancellationToken);
            return (null, noteCaseId);
        }
        switch (keyword.Keyword)
        {
            case Keyword.Stop when phone is not null:
                await SetOptInAsync(phone, contacts, optIn: false, cancellationToken);
                return (texts.OptedOut(language), null);
            case Keyword.Start when phone is not null:
                await SetOptInAsync(phone, contacts, optIn: true, cancellationToken);
                return (texts.OptedIn(language), null);
            case Keyword.Help:
                return (texts.Help(language), null);
        }
        return await AnswerWithoutKeywordAsync(from, contacts, text, command, language, cancellationToken);
    }

    private async Task<(string Reply, int? CaseId)> AnswerWithoutKeywordAsync(
        string? from, List<Contact> contacts, string text, Match command, Language language, CancellationToken cancellationToken)
    {
        if (command.Success)
        {
            return (await StatusAsync(from, contacts, command.Groups["number"].Value.Trim(), language, cancellationToken), null);
        }
        if (contacts.Count == 0)
        {
            return (texts.UnknownSender(language), null);
        }
        var prefixed = NumberFirstPattern().Match(text);
        if (prefixed.Success)
        {
            return await NoteOnNumberAsync(from, contacts, prefixed.Groups["number"].Value, prefixed.Groups["text"].Value, language, cancellationToken);
        }
        var contactIds = contacts.Select(c => c.Id).ToList();
        var open = await db.Cases.AsNoTracking()
            .Where(c => c.ContactId != null && contactIds.Contains(c.ContactId.Value) && c.Status != CaseStatus.Resolved && c.Status != CaseStatus.Closed)
            .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id)
            .Select(c => new { c.Id, c.Number, c.ContactId }).ToListAsync(cancellationToken);
        return open.Count switch
        {
            0 => (texts.NoOpenCase(language), null),
            1 => await AddNoteAsync(open[0].Id, open[0].Number, contacts.Single(c => c.Id == open[0].ContactId), text, language, cancellationToken),
            _ => (texts.WhichCase(language, open.Select(c => c.Number).ToList()), null),
        };
    }

    /// <summary>
    /// Answers only a contact of the case's organization; anyone else gets exactly the unknown-case answer, so the
    /// reply never tells a stranger that a number exists. Misses count towards the sender's lookout.
    /// </summary>
    private async Task<string> StatusAsync(string? from, List<Contact> contacts, string typed, Language language, CancellationToken cancellationToken)
    {
        if (await guard.IsLockedOutAsync(from, cancellationToken))
        {
            return texts.LockedOut(language);
        }
        var (@case, contact) = await FindForSenderAsync(contacts, typed, cancellationToken);
        if (@case is null || contact is null)
        {
            return await MissAsync(from, typed, language, cancellationToken);
        }
        var updates = await db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == @case.Id && e.IsPublic
                && (e.Kind == CaseEventKind.NotePublic || e.Kind == CaseEventKind.StatusChanged || e.Kind == CaseEventKind.Reopened))
            .OrderByDescending(e => e.Id).Take(20).Select(e => new { e.Kind, e.Text }).ToListAsync(cancellationToken);
        var lastUpdate = updates.Select(e => e.Kind == CaseEventKind.NotePublic ? e.Text : StatusComment(e.Text)).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
        return texts.StatusReply(contact.Language, @case.Number, @case.Status, @case.Severity, lastUpdate);
    }

    /// <summary>
    /// The words staff gave with a status change ("InProgress → Resolved: firmware updated" gives "firmware
    /// updated"); the transition itself is already in the reply, and its arrow would cost the SMS its GSM-7 encoding.
    /// </summary>
    private static string? StatusComment(string? text) =>
        text?.IndexOf(": ", StringComparison.Ordinal) is { } colon and >= 0 ? text[(colon + 2)..] : null;

    private async Task<(string Reply, int? CaseId)> NoteOnNumberAsync(string? from, List<Contact> contacts, string typed, string note, Language language, CancellationToken cancellationToken)
    {
        if (await guard.IsLockedOutAsync(from, cancellationToken))
        {
            return (texts.LockedOut(language), null);
        }
        var (@case, contact) = await FindForSenderAsync(contacts, typed, cancellationToken);
        if (@case is null || contact is null)
        {
            return (await MissAsync(from, typed, language, cancellationToken), null);
        }
        if (!@case.IsOpen)
        {
            return (texts.NoOpenCase(contact.Language), null);
        }
        return string.IsNullOrWhiteSpace(note)
            ? (texts.Help(contact.Language), null)
            : await AddNoteAsync(@case.Id, @case.Number, contact, note, contact.Language, cancellationToken);
    }

    private async Task<(Case? Case, Contact? Contact)> FindForSenderAsync(List<Contact> contacts, string typed, CancellationToken cancellationToken)
    {
        if (!CaseNumber.TryParse(typed, out var number))
        {
            return (null, null);
        }
        var @case = await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Number == number.Value, cancellationToken);
        var contact = @case is null ? null : contacts.FirstOrDefault(c => c.OrganizationId == @case.OrganizationId);
        return (@case, contact);
    }

    private async Task<string> MissAsync(string? from, string typed, Language language, CancellationToken cancellationToken)
    {
        var shown = new string(typed.Where(c => char.IsAsciiDigit(c) || c == ' ').Take(12).ToArray()).Trim();
        await guard.RecordFailureAsync(from, $"sms case {shown}", cancellationToken);
        return texts.UnknownCase(language, shown);
    }

    private async Task<(string Reply, int? CaseId)> AddNoteAsync(int caseId, string caseNumber, Contact contact, string note, Language language, CancellationToken cancellationToken)
    {
        var change = await workflow.AddNoteAsync(caseId, expectedVersion: null, note, isPublic: true,
            Actor.ForContact(contact.Id, contact.OrganizationId, contact.Name), cancellationToken);
        return change.Succeeded ? (texts.NoteAdded(language, caseNumber), caseId) : (texts.Help(language), null);
    }

    private async Task SetOptInAsync(string phone, List<Contact> contacts, bool optIn, CancellationToken cancellationToken)
    {
        var optOut = await db.SmsOptOuts.SingleOrDefaultAsync(o => o.Phone == phone, cancellationToken);
        if (optIn && optOut is not null)
        {
            db.SmsOptOuts.Remove(optOut);
        }
        else if (!optIn && optOut is null)
        {
            db.SmsOptOuts.Add(new SmsOptOut { Phone = phone, At = time.GetUtcNow() });
        }
        contacts.ForEach(c => c.SmsOptIn = optIn);
        await db.SaveChangesAsync(cancellationToken);
    }

    // "STATUS 12345678", "estado 1234 5678", "Status: 1234-5678".
    [GeneratedRegex(@"^(?<word>STATUS|ESTADO)\b[\s:#]*(?<number>.*)$", RegexOptions.Singleline)]
    private static partial Regex CommandPattern();

    // "12345678 the printer still jams" or "1234 5678: ...".
    [GeneratedRegex(@"^(?<number>\d{4}[\s-]?\d{4})\b[\s:,.-]*(?<text>.*)$", RegexOptions.Singleline)]
    private static partial Regex NumberFirstPattern();

    private enum Keyword
    {
        None,
        Stop,
        Start,
        Help,
    }
}
