using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class TransferTests : IvrTest
{
    private static Dictionary<string, string> Dial(string status) => new() { ["DialCallStatus"] = status, ["DialCallSid"] = "CAagent", ["DialCallDuration"] = "0" };

    private async Task<PhoneCall> TransferredFromCaseAsync()
    {
        var call = Call(VoiceDirectory.AnaPhone);
        await call.StartAsync();
        await call.StepAsync("menu", "2");
        await call.StepAsync("case-number", Directory.OpenCaseNumber);
        await call.StepAsync("case-menu", "0");
        return call;
    }

    [Fact]
    public async Task A_stale_webhook_during_a_transfer_repeats_the_dial_and_the_dial_result_still_counts()
    {
        var call = await TransferredFromCaseAsync();
        var dialing = (await SessionAsync(call)).LastResponse;

        var stale = await call.StepAsync("case-menu", "1");
        var done = await call.StepAsync("dial-result", extra: Dial("no-answer"));

        Assert.Equal(dialing, stale);
        Assert.Contains("<Dial", stale);
        TwimlSamples.Matches("es-no-agent-voicemail", done);
    }

    [Fact]
    public async Task Agent_who_answers_ends_the_ivr_and_the_screen_pop_row_records_it()
    {
        var call = await TransferredFromCaseAsync();

        var done = await call.StepAsync("dial-result", extra: Dial("completed"));
        await call.HangUpAsync();

        Assert.Contains("<Hangup", done);
        Assert.Equal("completed", (await App.WithDbAsync(db => db.TransferredCalls.SingleAsync(t => t.CallSid == call.CallSid))).DialStatus);
        Assert.False(await App.WithDbAsync(db => db.CallbackTasks.AnyAsync(t => t.CallSid == call.CallSid)));
    }

    [Fact]
    public async Task No_answer_on_a_case_lets_the_caller_leave_a_voicemail_on_it()
    {
        var call = await TransferredFromCaseAsync();

        TwimlSamples.Matches("es-no-agent-voicemail", await call.StepAsync("dial-result", extra: Dial("no-answer")));
        TwimlSamples.Matches("es-voicemail-saved", await call.RecordAsync("voicemail", "RE0200", seconds: 20));

        var voicemail = await App.WithDbAsync(db => db.CaseEvents.SingleAsync(e => e.CaseId == Directory.OpenCaseId && e.Kind == CaseEventKind.Voicemail));
        Assert.Contains("RE0200", voicemail.Text);
        Assert.Equal("no-answer", (await App.WithDbAsync(db => db.TransferredCalls.SingleAsync(t => t.CallSid == call.CallSid))).DialStatus);
    }

    [Fact]
    public async Task Busy_agent_without_a_case_turns_into_a_callback_request_with_what_was_collected()
    {
        // Three wrong severities send the caller to an agent before any case exists.
        var other = await AtMenuAsync(language: "2");
        await other.StepAsync("menu", "1");
        await other.StepAsync("code", VoiceDirectory.AcmeCode);
        await other.StepAsync("confirm-code", "1");
        await other.StepAsync("callback-number", "34611222333");
        await other.StepAsync("severity", "9");
        await other.StepAsync("severity", "9");
        await other.StepAsync("severity", "9");

        TwimlSamples.Matches("en-no-agent-callback", await other.StepAsync("dial-result", extra: Dial("busy")));
        await other.RecordAsync("voicemail", "RE0300");
        await other.HangUpAsync();

        var task = await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == other.CallSid));
        Assert.Equal(CallbackReason.CallbackRequested, task.Reason);
        Assert.Equal("+34611222333", task.CallbackPhone);
        Assert.Equal(VoiceDirectory.AcmeCode, task.MaintenanceCode);
        Assert.Equal("RE0300", task.RecordingSid);
        Assert.Equal(Core.Directory.Language.En, task.Language);
    }

    [Fact]
    public async Task Group_without_an_on_call_number_goes_straight_to_the_callback_request()
    {
        await App.WithDbAsync(db => db.SupportGroups.ExecuteUpdateAsync(g => g.SetProperty(x => x.Tier1OnCallPhone, (string?)null)));
        var call = await AtMenuAsync();

        var answer = await call.StepAsync("menu", "0");

        Assert.DoesNotContain("<Dial", answer);
        Assert.Contains("<Record", answer);
        Assert.Equal(CallbackReason.CallbackRequested, (await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == call.CallSid))).Reason);
    }
}
