using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class WrongAnswersTests : IvrTest
{
    [Fact]
    public async Task Unknown_code_is_explained_and_asked_again()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "1");

        TwimlSamples.Matches("es-code-unknown", await call.StepAsync("code", "999999"));
        Assert.Equal(1, (await SessionAsync(call)).CodeFailures);
    }

    [Fact]
    public async Task Expired_code_is_explained_with_its_end_date()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "1");

        TwimlSamples.Matches("es-code-expired", await call.StepAsync("code", VoiceDirectory.ExpiredCode));
    }

    [Fact]
    public async Task Code_not_yet_valid_is_explained_with_its_start_date_in_english()
    {
        var call = await AtMenuAsync(language: "2");
        await call.StepAsync("menu", "1");

        TwimlSamples.Matches("en-code-not-yet-valid", await call.StepAsync("code", VoiceDirectory.FutureCode));
        TwimlSamples.Matches("en-code-unknown", await call.StepAsync("code", "12"));
    }

    [Fact]
    public async Task Caller_who_mistypes_the_code_three_times_is_transferred_to_an_agent()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", "999999");
        await call.StepAsync("code", VoiceDirectory.ExpiredCode);

        TwimlSamples.Matches("es-code-third-failure", await call.StepAsync("code", "888888"));

        var transferred = await App.WithDbAsync(db => db.TransferredCalls.SingleAsync(t => t.CallSid == call.CallSid));
        Assert.Null(transferred.CaseId);
        Assert.Equal(VoiceDirectory.DefaultOnCall, transferred.DialedPhone);
    }

    [Fact]
    public async Task No_input_and_invalid_keys_are_reprompted_then_the_third_goes_to_an_agent()
    {
        var call = await AtMenuAsync();

        TwimlSamples.Matches("es-menu-no-input", await call.StepAsync("menu"));
        TwimlSamples.Matches("es-menu-invalid", await call.StepAsync("menu", "7"));
        TwimlSamples.Matches("es-menu-third-failure", await call.StepAsync("menu", speech: "banana"));
        Assert.Equal(nameof(IvrWebhooks.Voice.VoiceStep.Transfer), (await SessionAsync(call)).Step);
    }

    [Fact]
    public async Task English_no_input_at_the_language_menu_is_reprompted_in_both_languages()
    {
        var call = Call();
        await call.StartAsync();

        TwimlSamples.Matches("language-no-input", await call.StepAsync("language"));
    }

    [Fact]
    public async Task Invalid_severity_is_asked_again_in_english()
    {
        var call = Call(VoiceDirectory.BobPhone);
        await call.StartAsync();
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.GlobexCode);
        await call.StepAsync("confirm-code", "1");

        TwimlSamples.Matches("en-severity-invalid", await call.StepAsync("severity", "9"));
        Assert.Null((await SessionAsync(call)).Severity);
    }

    [Fact]
    public async Task Menu_zero_puts_the_caller_through_to_the_default_group_in_english()
    {
        var call = await AtMenuAsync(language: "2");

        TwimlSamples.Matches("en-transfer-no-case", await call.StepAsync("menu", "0"));
        var whisper = await App.PostAsync($"/twilio/voice/whisper?call={call.CallSid}", new Dictionary<string, string> { ["CallSid"] = "CAchild" });
        TwimlSamples.Matches("en-whisper-no-case", await whisper.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Repeated_failed_lookups_from_one_number_lock_it_out_across_calls_and_send_it_to_an_agent()
    {
        // LookupGuard:MaxFailures is 5 in the test app: two calls of wrong codes from the same phone.
        var first = await AtMenuAsync();
        await first.StepAsync("menu", "1");
        await first.StepAsync("code", "900001");
        await first.StepAsync("code", "900002");
        await first.HangUpAsync();
        var second = await AtMenuAsync();
        await second.StepAsync("menu", "2");
        await second.StepAsync("case-number", "10000024");
        await second.StepAsync("case-number", "10000032");
        await second.HangUpAsync();
        var third = await AtMenuAsync();
        await third.StepAsync("menu", "1");

        TwimlSamples.Matches("es-locked-out", await third.StepAsync("code", "900003"));

        Assert.Equal(5, await App.WithDbAsync(db => db.FailedLookups.CountAsync(f => f.Caller == VoiceDirectory.StrangerPhone)));
        // Locked out, a correct code is not even looked up: the caller is sent to an agent.
        var fourth = await AtMenuAsync();
        await fourth.StepAsync("menu", "1");
        Assert.Contains("<Dial", await fourth.StepAsync("code", VoiceDirectory.AcmeCode));
        // An hour later the window has passed.
        App.Time.Advance(TimeSpan.FromMinutes(61));
        var later = await AtMenuAsync();
        await later.StepAsync("menu", "1");
        Assert.Contains("/twilio/voice/confirm-code", await later.StepAsync("code", VoiceDirectory.AcmeCode));
    }
}
