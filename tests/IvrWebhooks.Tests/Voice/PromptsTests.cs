using System.Xml.Linq;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;
using WebTicketing.IvrWebhooks.Tests.Support;
using WebTicketing.IvrWebhooks.Voice;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class PromptsTests
{
    private static readonly VoiceNames Voices = new();

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Path.GetDirectoryName(TwimlSamples.Folder)!, "src", "IvrWebhooks", "Voice", file))
            .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    [Fact]
    public void Every_prompt_exists_in_spanish_and_in_english()
    {
        var spanish = Read("Prompts.resx");
        var english = Read("Prompts.en.resx");

        Assert.Equal(spanish.Keys.Order(), english.Keys.Order());
        Assert.All(spanish.Keys.Where(k => !k.StartsWith("Time", StringComparison.Ordinal)), key => Assert.NotEqual(spanish[key], english[key]));
    }

    [Fact]
    public void Spanish_and_english_prompts_come_from_their_own_resource_files()
    {
        Assert.Equal("Para español, pulse 1.", new Phrases(Language.Es, Voices)["LanguageMenu"]);
        Assert.Equal("For English, press 2.", new Phrases(Language.En, Voices)["LanguageMenu"]);
    }

    [Theory]
    [InlineData(Language.Es, "ponga la prioridad en dos, es grave", '2')]
    [InlineData(Language.Es, "el sistema está caído", '1')]
    [InlineData(Language.En, "It's just a question", '4')]
    [InlineData(Language.En, "three", '3')]
    [InlineData(Language.En, "I am not sure", null)]
    public void Spoken_severity_maps_to_its_key(Language language, string speech, char? expected) =>
        Assert.Equal(expected, new Phrases(language, Voices).Chosen("Speech_Severity", null, speech, "1234"));

    [Fact]
    public void Case_number_is_read_digit_by_digit_in_its_two_groups() =>
        Assert.Equal("1 2 3 4, 5 6 7 8", Phrases.DigitByDigit("1234 5678"));

    private static Case CaseDue(DateTimeOffset due, SlaTargetKind kind) => new()
    {
        Number = "10000008",
        Region = new Region { Code = "es-mad", Name = "Madrid", Calendar = new BusinessCalendarOptions { TimeZone = "Europe/Madrid" } },
        Sla = new SlaState { FirstTarget = kind, FirstTargetDueAt = due },
    };

    [Fact]
    public void Sla_promise_due_today_gives_the_local_time_only()
    {
        var now = new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero);
        var @case = CaseDue(now.AddHours(2).AddMinutes(30), SlaTargetKind.StartWork);

        Assert.Equal("Un ingeniero empezará a trabajar en él antes de las 14:30.", SlaPromise.Sentence(@case, new Phrases(Language.Es, Voices), now));
        Assert.Equal("An engineer will start work on it by 14:30.", SlaPromise.Sentence(@case, new Phrases(Language.En, Voices), now));
    }

    [Fact]
    public void Sla_promise_due_another_day_names_the_day_in_the_callers_language()
    {
        var now = new DateTimeOffset(2026, 3, 2, 17, 0, 0, TimeSpan.Zero);
        var @case = CaseDue(new DateTimeOffset(2026, 3, 3, 16, 0, 0, TimeSpan.Zero), SlaTargetKind.FirstResponse);

        Assert.Equal("Le responderemos antes del martes a las 17:00.", SlaPromise.Sentence(@case, new Phrases(Language.Es, Voices), now));
        Assert.Equal("We will answer by Tuesday at 17:00.", SlaPromise.Sentence(@case, new Phrases(Language.En, Voices), now));
    }

    [Fact]
    public void No_sla_promise_is_made_before_the_sla_engine_has_set_a_target() =>
        Assert.Null(SlaPromise.Sentence(CaseDue(default, SlaTargetKind.StartWork), new Phrases(Language.Es, Voices), DateTimeOffset.UnixEpoch));
}
