using Microsoft.Extensions.Options;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Tests.Notifications;

public sealed class SmsTextsTests
{
    private const string CaseNumber = "98765432";
    // The longest E.164 number: 15 digits.
    private static readonly SmsTexts Texts = new(new FixedOptions(new TwilioOptions { PhoneNumber = "+123456789012345" }));
    private static readonly string LongNote = string.Join(' ', Enumerable.Repeat("The replacement power supply ships tomorrow morning.", 20));

    public static TheoryData<Language> Languages => new() { Language.Es, Language.En };

    private static IEnumerable<(string Name, string Text)> FixedTexts(Language language)
    {
        yield return ("Opened", Texts.Opened(language, CaseNumber));
        foreach (var status in new[] { CaseStatus.InProgress, CaseStatus.WaitingOnCustomer, CaseStatus.Resolved })
        {
            yield return (status.ToString(), Texts.StatusChanged(language, CaseNumber, status)!);
        }
        yield return ("UnknownCase", Texts.UnknownCase(language, "1234 5678 90"));
        yield return ("LockedOut", Texts.LockedOut(language));
        yield return ("NoteAdded", Texts.NoteAdded(language, CaseNumber));
        yield return ("WhichCase", Texts.WhichCase(language, [CaseNumber, CaseNumber, CaseNumber, CaseNumber]));
        yield return ("NoOpenCase", Texts.NoOpenCase(language));
        yield return ("OptedOut", Texts.OptedOut(language));
        yield return ("OptedIn", Texts.OptedIn(language));
        yield return ("Help", Texts.Help(language));
        yield return ("UnknownSender", Texts.UnknownSender(language));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_fixed_text_fits_one_GSM7_segment_with_the_longest_values(Language language) =>
        Assert.All(FixedTexts(language), text =>
        {
            Assert.True(SmsSegments.IsGsm7(text.Text), $"{text.Name} is not GSM-7: {text.Text}");
            Assert.True(SmsSegments.Count(text.Text) == 1, $"{text.Name} takes {SmsSegments.Units(text.Text)} characters: {text.Text}");
            Assert.DoesNotContain("{", text.Text);
        });

    [Theory]
    [MemberData(nameof(Languages))]
    public void Texts_about_a_case_carry_its_number(Language language)
    {
        Assert.Contains(CaseNumber, Texts.Opened(language, CaseNumber));
        Assert.Contains(CaseNumber, Texts.StatusChanged(language, CaseNumber, CaseStatus.Resolved));
        Assert.Contains(CaseNumber, Texts.PublicNote(language, CaseNumber, LongNote));
        Assert.Contains(CaseNumber, Texts.StatusReply(language, CaseNumber, CaseStatus.WaitingOnCustomer, Severity.Question, LongNote));
    }

    [Theory]
    [InlineData(Language.Es, "Actualizamos el firmware: reinicie el equipo, por favor.")]
    [InlineData(Language.En, "We updated the firmware: please restart the device.")]
    public void A_short_public_note_is_sent_whole_in_one_segment(Language language, string note)
    {
        var text = Texts.PublicNote(language, CaseNumber, note);

        Assert.EndsWith(note, text);
        Assert.Equal(1, SmsSegments.Count(text));
    }

    [Theory]
    [InlineData(Language.Es, "")]
    [InlineData(Language.En, "")]
    [InlineData(Language.Es, "Pedimos la pieza; llegará mañana. ¿Podría confirmar la dirección? 😀")]
    [InlineData(Language.En, "€€€ [price list] {attached} ~ ^ | \\ ")]
    public void A_long_note_is_cut_to_two_segments_and_marked(Language language, string extra)
    {
        var note = extra + LongNote;

        var update = Texts.PublicNote(language, CaseNumber, note);
        var status = Texts.StatusReply(language, CaseNumber, CaseStatus.WaitingOnCustomer, Severity.Critical, note);

        Assert.All(new[] { update, status }, text =>
        {
            Assert.True(SmsSegments.Count(text) <= SmsTexts.ExcerptSegments, $"{SmsSegments.Count(text)} segments: {text}");
            Assert.EndsWith("...", text);
        });
    }

    [Fact]
    public void Texts_follow_the_contacts_language()
    {
        Assert.StartsWith("Hemos abierto su caso", Texts.Opened(Language.Es, CaseNumber));
        Assert.StartsWith("Case 98765432 is open", Texts.Opened(Language.En, CaseNumber));
        Assert.Contains("en curso, prioridad 2 (alta)", Texts.StatusReply(Language.Es, CaseNumber, CaseStatus.InProgress, Severity.Major, null));
        Assert.Contains("in progress, severity 2 (major). Last update: none yet", Texts.StatusReply(Language.En, CaseNumber, CaseStatus.InProgress, Severity.Major, null));
    }

    [Fact]
    public void Without_a_configured_number_the_help_text_names_the_support_line_in_words()
    {
        var texts = new SmsTexts(new FixedOptions(new TwilioOptions()));

        Assert.EndsWith("Support: our support line", texts.Help(Language.En));
    }

    private sealed class FixedOptions(TwilioOptions value) : IOptionsMonitor<TwilioOptions>
    {
        public TwilioOptions CurrentValue => value;
        public TwilioOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<TwilioOptions, string?> listener) => null;
    }
}
