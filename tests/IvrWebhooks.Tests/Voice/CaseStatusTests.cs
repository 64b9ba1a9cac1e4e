using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class CaseStatusTests : IvrTest
{
    [Fact]
    public async Task Contact_of_the_organization_hears_status_severity_tier_and_last_public_update()
    {
        var call = Call(VoiceDirectory.AnaPhone);
        await call.StartAsync();

        TwimlSamples.Matches("es-case-number", await call.StepAsync("menu", "2"));
        TwimlSamples.Matches("es-case-status", await call.StepAsync("case-number", Directory.OpenCaseNumber + "#"));
        Assert.Equal(Directory.OpenCaseId, (await SessionAsync(call)).CaseId);
    }

    [Fact]
    public async Task Mistyped_case_number_is_caught_by_the_check_digit_before_any_lookup()
    {
        var call = await AtMenuAsync(language: "2");
        await call.StepAsync("menu", "2");
        var mistyped = Directory.OpenCaseNumber[..^1] + (char)('0' + (Directory.OpenCaseNumber[^1] - '0' + 1) % 10);

        TwimlSamples.Matches("en-case-number-mistyped", await call.StepAsync("case-number", mistyped));
        Assert.Equal(0, await App.WithDbAsync(db => db.FailedLookups.CountAsync()));
    }

    [Fact]
    public async Task Unknown_case_number_counts_as_a_failed_lookup()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "2");

        TwimlSamples.Matches("es-case-not-found", await call.StepAsync("case-number", "10000040"));
        Assert.Equal(1, await App.WithDbAsync(db => db.FailedLookups.CountAsync()));
    }

    [Fact]
    public async Task Caller_who_is_not_a_contact_must_key_the_cases_maintenance_code()
    {
        var call = await AtMenuAsync(language: "2");
        await call.StepAsync("menu", "2");

        TwimlSamples.Matches("en-case-code", await call.StepAsync("case-number", Directory.OpenCaseNumber));
        TwimlSamples.Matches("en-case-code-wrong", await call.StepAsync("case-code", VoiceDirectory.GlobexCode));
        TwimlSamples.Matches("en-case-status", await call.StepAsync("case-code", VoiceDirectory.AcmeCode));
    }

    [Fact]
    public async Task Caller_leaves_a_voice_note_that_is_added_to_the_case()
    {
        var call = Call(VoiceDirectory.AnaPhone);
        await call.StartAsync();
        await call.StepAsync("menu", "2");
        await call.StepAsync("case-number", Directory.OpenCaseNumber);

        TwimlSamples.Matches("es-note", await call.StepAsync("case-menu", "1"));
        var saved = await call.RecordAsync("note", "RE0100");

        Assert.Contains("Hemos añadido su nota al caso.", saved);
        var note = await App.WithDbAsync(db => db.CaseEvents.Where(e => e.CaseId == Directory.OpenCaseId).OrderBy(e => e.Id).LastAsync());
        Assert.Equal(CaseEventKind.NotePublic, note.Kind);
        Assert.Contains("RE0100", note.Text);
        Assert.Equal("phone", note.Actor);
    }

    [Fact]
    public async Task Caller_asks_for_an_agent_from_the_case_and_is_put_through_to_its_group()
    {
        var call = Call(VoiceDirectory.AnaPhone);
        await call.StartAsync();
        await call.StepAsync("menu", "2");
        await call.StepAsync("case-number", Directory.OpenCaseNumber);

        var dial = await call.StepAsync("case-menu", speech: "agente");

        Assert.Contains($">{VoiceDirectory.NetworkOnCall}</Number>", dial);
        var transferred = await App.WithDbAsync(db => db.TransferredCalls.SingleAsync(t => t.CallSid == call.CallSid));
        Assert.Equal(Directory.OpenCaseId, transferred.CaseId);
    }
}
