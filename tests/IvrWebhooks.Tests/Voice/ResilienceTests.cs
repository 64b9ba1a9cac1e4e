using System.Net;
using Microsoft.EntityFrameworkCore;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class ResilienceTests : IvrTest
{
    [Fact]
    public async Task A_restarted_app_on_the_same_storage_continues_the_call_where_it_was()
    {
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.AcmeCode);
        var restarted = await App.RestartAsync();
        App = restarted;
        call.App = restarted;
        await call.StepAsync("confirm-code", "1");
        await call.StepAsync("callback-number", "34611222333");
        await call.StepAsync("severity", "2");
        var opened = await call.RecordAsync("description", "RE0500");

        Assert.Contains("Hemos abierto el caso", opened);
        Assert.Equal(1, await restarted.WithDbAsync(db => db.Cases.CountAsync(c => c.OpeningKey == "call:" + call.CallSid)));
    }

    [Fact]
    public async Task A_stale_webhook_for_a_step_the_call_is_not_at_changes_nothing_and_reprompts()
    {
        var call = await AtMenuAsync();

        var answer = await call.StepAsync("code", "999999");

        Assert.Contains("action=\"/twilio/voice/menu\"", answer);
        Assert.Equal("Menu", (await SessionAsync(call)).Step);
        Assert.False(await App.WithDbAsync(db => db.FailedLookups.AnyAsync()));
    }

    [Theory]
    [InlineData("NOTVALIDSIGNATURE=")]
    [InlineData("")]
    public async Task A_forged_or_missing_signature_gets_403_and_writes_nothing(string signature)
    {
        var call = Call();

        var response = await App.PostAsync("/twilio/voice/incoming", call.Form(), signature: signature);
        var status = await App.PostAsync("/twilio/voice/status", call.Form(new Dictionary<string, string> { ["CallStatus"] = "completed" }), signature: signature);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
        Assert.False(await App.WithDbAsync(db => db.CallSessions.AnyAsync()));
        Assert.False(await App.WithDbAsync(db => db.CallbackTasks.AnyAsync()));
    }

    [Fact]
    public async Task A_signature_over_other_parameters_is_refused()
    {
        var call = Call();
        var signed = IvrApp.Sign(IvrApp.PublicBaseUrl + "/twilio/voice/incoming", call.Form());

        var response = await App.PostAsync("/twilio/voice/incoming", call.Form(new Dictionary<string, string> { ["From"] = VoiceDirectory.AnaPhone }), signature: signed);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_form_the_server_cannot_read_gets_400_not_a_server_error_and_writes_nothing()
    {
        var call = Call();
        // ASP.NET Core reads at most 1,024 form values: past that the form cannot be read at all.
        var form = call.Form(Enumerable.Range(0, 1100).ToDictionary(i => $"Extra{i}", i => "x"));

        var response = await App.PostAsync("/twilio/voice/incoming", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await App.WithDbAsync(db => db.CallSessions.AnyAsync()));
    }
}
