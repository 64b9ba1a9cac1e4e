using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class OpeningACaseTests : IvrTest
{
    [Fact]
    public async Task Stranger_chooses_spanish_keys_a_callback_number_and_opens_a_case()
    {
        var call = Call();

        TwimlSamples.Matches("language-menu", await call.StartAsync());
        TwimlSamples.Matches("es-menu", await call.StepAsync("language", "1"));
        TwimlSamples.Matches("es-code", await call.StepAsync("menu", "1"));
        TwimlSamples.Matches("es-confirm-code", await call.StepAsync("code", VoiceDirectory.AcmeCode));
        TwimlSamples.Matches("es-callback-number", await call.StepAsync("confirm-code", "1"));
        TwimlSamples.Matches("es-severity", await call.StepAsync("callback-number", "0034611222333"));
        TwimlSamples.Matches("es-description", await call.StepAsync("severity", "3"));
        TwimlSamples.Matches("es-opened", await call.RecordAsync("description", "RE0001"));

        var @case = await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        Assert.Equal(Severity.Minor, @case.Severity);
        Assert.Equal(Channel.Phone, @case.Channel);
        Assert.Equal("+34611222333", @case.CallbackPhone);
        Assert.Null(@case.ContactId);
        Assert.Equal(Core.Directory.Language.Es, @case.Language);
    }

    [Fact]
    public async Task Known_english_contact_is_greeted_by_name_and_skips_the_callback_number()
    {
        var call = Call(VoiceDirectory.BobPhone);

        TwimlSamples.Matches("en-welcome-contact", await call.StartAsync());
        TwimlSamples.Matches("en-code", await call.StepAsync("menu", "1"));
        TwimlSamples.Matches("en-confirm-code", await call.StepAsync("code", VoiceDirectory.GlobexCode + "#"));
        TwimlSamples.Matches("en-severity", await call.StepAsync("confirm-code", "1"));
        TwimlSamples.Matches("en-description", await call.StepAsync("severity", "2"));
        TwimlSamples.Matches("en-opened", await call.RecordAsync("description", "RE0002"));

        var @case = await App.WithDbAsync(db => db.Cases.Include(c => c.Contact).SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        Assert.Equal("Bob", @case.Contact!.Name);
        Assert.Equal(Core.Directory.Language.En, @case.Language);
        Assert.Equal(Severity.Major, @case.Severity);
    }

    [Fact]
    public async Task Menu_choice_and_severity_can_be_spoken()
    {
        var call = await AtMenuAsync(language: "2");

        await call.StepAsync("menu", speech: "I want to open a new case");
        await call.StepAsync("code", VoiceDirectory.AcmeCode);
        await call.StepAsync("confirm-code", speech: "Yes");
        await call.StepAsync("callback-number", "34611222333");
        var description = await call.StepAsync("severity", speech: "The system is down");

        Assert.Contains("<Record", description);
        Assert.Equal(Severity.Critical, (await SessionAsync(call)).Severity);
    }

    [Fact]
    public async Task Spanish_speech_picks_spanish_at_the_language_menu()
    {
        var call = Call();
        await call.StartAsync();

        await call.StepAsync("language", speech: "Español");

        Assert.Equal(Core.Directory.Language.Es, (await SessionAsync(call)).Language);
    }

    [Fact]
    public async Task Urgent_case_is_offered_the_on_call_engineer_and_put_through_with_a_whisper()
    {
        var call = Call(VoiceDirectory.AnaPhone);
        TwimlSamples.Matches("es-welcome-contact", await call.StartAsync());
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.AcmeCode);
        await call.StepAsync("confirm-code", "1");
        await call.StepAsync("severity", "1");
        TwimlSamples.Matches("es-opened-urgent", await call.RecordAsync("description", "RE0003"));

        TwimlSamples.Matches("es-transfer-case", await call.StepAsync("opened", "0"));

        var @case = await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        var transferred = await App.WithDbAsync(db => db.TransferredCalls.SingleAsync(t => t.CallSid == call.CallSid));
        Assert.Equal(@case.Id, transferred.CaseId);
        Assert.Equal(VoiceDirectory.NetworkOnCall, transferred.DialedPhone);
        Assert.Equal(VoiceDirectory.AnaPhone, transferred.CallerPhone);
        Assert.True(await App.WithDbAsync(db => db.CaseEvents.AnyAsync(e => e.CaseId == @case.Id && e.Kind == CaseEventKind.CallTransferred)));

        var whisper = await App.PostAsync($"/twilio/voice/whisper?call={call.CallSid}", new Dictionary<string, string> { ["CallSid"] = "CAchild", ["From"] = "+34900000000" });
        TwimlSamples.Matches("es-whisper", await whisper.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Non_urgent_case_does_not_offer_the_on_call_engineer()
    {
        var call = await ContactAtDescriptionAsync("4");
        var opened = await call.RecordAsync("description", "RE0004");

        Assert.DoesNotContain("guardia", opened);
        var goodbye = await call.StepAsync("opened", "0");
        Assert.Contains("<Hangup", goodbye);
        Assert.False(await App.WithDbAsync(db => db.TransferredCalls.AnyAsync(t => t.CallSid == call.CallSid)));
    }

    [Fact]
    public async Task Caller_hears_the_case_number_again_on_request()
    {
        var call = await ContactAtDescriptionAsync("3");
        var opened = await call.RecordAsync("description", "RE0005");

        Assert.Equal(opened, await call.StepAsync("opened", "1"));
    }

    [Fact]
    public async Task Twilio_retrying_the_description_webhook_does_not_open_a_second_case()
    {
        var call = await ContactAtDescriptionAsync("2");

        var first = await call.RecordAsync("description", "RE0006", token: "idem-1");
        var retried = await call.RecordAsync("description", "RE0006", token: "idem-1");
        var withoutToken = await call.RecordAsync("description", "RE0006");

        Assert.Equal(first, retried);
        Assert.Equal(first, withoutToken);
        Assert.Equal(1, await App.WithDbAsync(db => db.Cases.CountAsync(c => c.OpeningKey == "call:" + call.CallSid)));
    }

    [Fact]
    public async Task Entering_two_at_the_confirmation_asks_for_the_code_again()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.AcmeCode);

        TwimlSamples.Matches("es-code", await call.StepAsync("confirm-code", "2"));
        Assert.Null((await SessionAsync(call)).EquipmentId);
    }

    [Fact]
    public async Task A_withheld_caller_id_is_asked_for_a_callback_number()
    {
        var call = Call("anonymous");
        await call.StartAsync();
        await call.StepAsync("language", "2");
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.GlobexCode);

        TwimlSamples.Matches("en-callback-number", await call.StepAsync("confirm-code", "1"));
        TwimlSamples.Matches("en-callback-number-invalid", await call.StepAsync("callback-number", "12"));
    }

    [Fact]
    public async Task Silence_three_times_at_the_description_opens_the_case_anyway_and_transfers()
    {
        var call = await ContactAtDescriptionAsync("3");

        TwimlSamples.Matches("es-description-nothing-recorded", await call.StepAsync("description"));
        await call.StepAsync("description");
        var transfer = await call.StepAsync("description");

        Assert.Contains("<Dial", transfer);
        var @case = await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        Assert.Contains("no grabó", @case.Description);
    }
}
