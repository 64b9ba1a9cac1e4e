using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Notifications;

/// <summary>
/// The SMS texts, from <c>SmsTexts.resx</c> (English) and <c>SmsTexts.es.resx</c>. Fixed texts fit one GSM-7
/// segment with worst-case values; texts carrying someone's words cut them to fit <see cref="ExcerptSegments"/>.
/// </summary>
public sealed class SmsTexts(IOptionsMonitor<TwilioOptions> twilio)
{
    /// <summary>A note or last update may take two segments: most fit, and a longer one is better read in the console.</summary>
    public const int ExcerptSegments = 2;

    private static readonly ResourceManager Resources = new("WebTicketing.Core.Notifications.SmsTexts", typeof(SmsTexts).Assembly);

    public string Opened(Language language, string caseNumber) => Text(language, "Opened", caseNumber);

    /// <summary>The message for a status the customer is told about; null for the others (New, Closed).</summary>
    public string? StatusChanged(Language language, string caseNumber, CaseStatus status) => status switch
    {
        CaseStatus.InProgress or CaseStatus.WaitingOnCustomer or CaseStatus.Resolved => Text(language, $"Status{status}", caseNumber),
        _ => null,
    };

    public string PublicNote(Language language, string caseNumber, string note) =>
        SmsSegments.FitExcerpt(Text(language, "PublicNote", caseNumber), note, ExcerptSegments);

    public string StatusReply(Language language, string caseNumber, CaseStatus status, Severity severity, string? lastUpdate) =>
        SmsSegments.FitExcerpt(
            Text(language, "StatusReply", caseNumber)
                .Replace("{status}", Get(language, $"Status_{status}"), StringComparison.Ordinal)
                .Replace("{severity}", Get(language, $"Severity_{severity}"), StringComparison.Ordinal),
            string.IsNullOrWhiteSpace(lastUpdate) ? Get(language, "NoPublicUpdate") : lastUpdate,
            ExcerptSegments);

    public string UnknownCase(Language language, string typedNumber) => Text(language, "UnknownCase", typedNumber);
    public string LockedOut(Language language) => Text(language, "LockedOut");
    public string NoteAdded(Language language, string caseNumber) => Text(language, "NoteAdded", caseNumber);

    public string WhichCase(Language language, IReadOnlyList<string> caseNumbers) =>
        Text(language, "WhichCase", caseNumbers[0])
            .Replace("{cases}", string.Join(", ", caseNumbers.Take(3)) + (caseNumbers.Count > 3 ? "..." : ""), StringComparison.Ordinal);

    public string NoOpenCase(Language language) => Text(language, "NoOpenCase");
    public string OptedOut(Language language) => Text(language, "OptedOut");
    public string OptedIn(Language language) => Text(language, "OptedIn");
    public string Help(Language language) => Text(language, "Help");
    public string UnknownSender(Language language) => Text(language, "UnknownSender");

    private string Text(Language language, string key, string? caseNumber = null) =>
        Get(language, key)
            .Replace("{case}", caseNumber ?? "", StringComparison.Ordinal)
            .Replace("{line}", twilio.CurrentValue.PhoneNumber is { Length: > 0 } line ? line : Get(language, "SupportLineFallback"), StringComparison.Ordinal);

    private static string Get(Language language, string key) =>
        Resources.GetString(key, Culture(language)) ?? throw new InvalidOperationException($"SMS text '{key}' is missing from SmsTexts.resx.");

    private static CultureInfo Culture(Language language) =>
        language == Language.En ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo("es");
}
