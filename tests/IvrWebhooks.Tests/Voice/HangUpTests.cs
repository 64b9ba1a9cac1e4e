using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class HangUpTests : IvrTest
{
    /// <summary>Walks a stranger's call up to the named step (the one it is waiting at) and returns it.</summary>
    private async Task<PhoneCall> CallWaitingAtAsync(string step)
    {
        var call = Call();
        await call.StartAsync();
        if (step == "Language") return call;
        await call.StepAsync("language", "1");
        if (step == "Menu") return call;
        await call.StepAsync("menu", "1");
        if (step == "Code") return call;
        await call.StepAsync("code", VoiceDirectory.AcmeCode);
        if (step == "ConfirmCode") return call;
        await call.StepAsync("confirm-code", "1");
        if (step == "CallbackNumber") return call;
        await call.StepAsync("callback-number", "34611222333");
        if (step == "Severity") return call;
        await call.StepAsync("severity", "2");
        return call;
    }

    [Theory]
    [InlineData("Language", "completed")]
    [InlineData("Menu", "completed")]
    [InlineData("Code", "canceled")]
    [InlineData("ConfirmCode", "completed")]
    [InlineData("CallbackNumber", "failed")]
    [InlineData("Severity", "completed")]
    [InlineData("Description", "completed")]
    public async Task Caller_who_hangs_up_before_a_case_is_opened_leaves_an_abandoned_call_task(string step, string status)
    {
        var call = await CallWaitingAtAsync(step);

        await call.HangUpAsync(status);
        await call.HangUpAsync(status);

        var task = await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == call.CallSid));
        Assert.Equal(CallbackReason.Abandoned, task.Reason);
        Assert.Equal(step, task.LastStep);
        Assert.Equal(VoiceDirectory.StrangerPhone, task.CallerPhone);
        var reachedCode = step is not ("Language" or "Menu" or "Code");
        Assert.Equal(reachedCode ? VoiceDirectory.AcmeCode : null, task.MaintenanceCode);
        Assert.Equal(reachedCode ? Directory.AcmeRouterId : null, task.EquipmentId);
        Assert.Equal(step is "Severity" or "Description" ? "+34611222333" : null, task.CallbackPhone);
        Assert.Equal(step == "Description" ? Severity.Major : null, task.Severity);
    }

    [Fact]
    public async Task Hang_up_while_waiting_for_the_case_code_of_a_status_lookup_is_abandoned_too()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "2");
        await call.StepAsync("case-number", Directory.OpenCaseNumber);

        await call.HangUpAsync();

        Assert.Equal("CaseCode", (await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == call.CallSid))).LastStep);
    }

    [Fact]
    public async Task Hang_up_after_the_case_was_opened_leaves_no_task()
    {
        var call = await CallWaitingAtAsync("Description");
        await call.RecordAsync("description", "RE0400");

        await call.HangUpAsync();

        Assert.False(await App.WithDbAsync(db => db.CallbackTasks.AnyAsync(t => t.CallSid == call.CallSid)));
        Assert.Equal("completed", (await SessionAsync(call)).EndStatus);
    }

    [Fact]
    public async Task Hang_up_while_ringing_the_agent_is_abandoned()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "0");

        await call.HangUpAsync();

        Assert.Equal("Transfer", (await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == call.CallSid))).LastStep);
    }

    [Fact]
    public async Task Call_that_ends_before_its_first_webhook_was_answered_still_leaves_the_caller_id()
    {
        var call = Call();

        await call.HangUpAsync("canceled");

        Assert.Equal(VoiceDirectory.StrangerPhone, (await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == call.CallSid))).CallerPhone);
    }

    [Fact]
    public async Task Progress_events_of_the_status_callback_store_nothing()
    {
        var call = Call();
        await call.StartAsync();

        await call.HangUpAsync("ringing");

        Assert.False(await App.WithDbAsync(db => db.CallbackTasks.AnyAsync()));
    }
}
