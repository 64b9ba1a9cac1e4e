using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>What a caller hears about their case: status, severity, tier and the last public update.</summary>
public static class CaseStatus
{
    public static async Task<IReadOnlyList<string>> DescribeAsync(WebTicketingDb db, int caseId, Phrases phrases, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Include(c => c.Region).SingleAsync(c => c.Id == caseId, ct);
        var last = await db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == caseId && e.IsPublic && e.Kind != CaseEventKind.Opened)
            .OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct);
        var number = Phrases.DigitByDigit(CaseNumber.TryParse(@case.Number, out var parsed) ? parsed.Grouped : @case.Number);
        var sentences = new List<string>
        {
            phrases.Format("CaseStatus", number, phrases[$"Status_{@case.Status}"], phrases[$"Severity_{(int)@case.Severity}"],
                phrases[$"Tier_{Math.Min(@case.Tier, SupportGroup.TopTier + 1)}"]),
        };
        if (last is null)
        {
            sentences.Add(phrases["NoUpdates"]);
        }
        else
        {
            var local = TimeZoneInfo.ConvertTime(last.At, TimeZoneInfo.FindSystemTimeZoneById(@case.Region.TimeZone));
            var day = local.ToString(phrases.Language == Language.En ? "MMMM d" : "d 'de' MMMM", phrases.Culture);
            sentences.Add(phrases.Format("LastUpdate", day, last.Text ?? last.Kind.ToString()));
        }
        return sentences;
    }
}

/// <summary>The SLA's first target told in the caller's local time (the region of the case's site).</summary>
public static class SlaPromise
{
    public static string? Sentence(Case @case, Phrases phrases, DateTimeOffset now)
    {
        // The SLA engine sets the target when the case opens; without it there is no promise to make.
        if (@case.Sla.FirstTargetDueAt == default)
        {
            return null;
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(@case.Region.TimeZone);
        var due = TimeZoneInfo.ConvertTime(@case.Sla.FirstTargetDueAt, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var clock = due.ToString("HH:mm", phrases.Culture);
        var when = due.Date == today
            ? phrases.Format("TimeToday", clock)
            : phrases.Format("TimeOtherDay", due.ToString("dddd", phrases.Culture), clock);
        return phrases.Format(@case.Sla.FirstTarget == Core.Sla.SlaTargetKind.StartWork ? "SlaStartWork" : "SlaFirstResponse", when);
    }
}
