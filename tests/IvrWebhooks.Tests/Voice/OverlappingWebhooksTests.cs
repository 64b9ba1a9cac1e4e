using System.Net;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

/// <summary>
/// Webhooks of one call that arrive at once: Twilio retrying a slow step, a status or recording callback landing
/// while a step is still being answered. Each must get a proper answer (never a 500, which Twilio reads to the caller
/// as "an application error has occurred"), and the call must end as if they had come one after another.
/// </summary>
public sealed class OverlappingWebhooksTests : IvrTest
{
    private const int Calls = 4;

    [Fact]
    public async Task Description_its_retry_and_the_hang_up_callbacks_arriving_together_open_one_case_and_answer_each()
    {
        var calls = new List<PhoneCall>();
        for (var i = 0; i < Calls; i++)
        {
            calls.Add(await ContactAtDescriptionAsync("2"));
        }

        var answers = await Task.WhenAll(calls.SelectMany(call => new[]
        {
            Twiml(call, "description", Recorded(call), token: $"{call.CallSid}-description"),
            Twiml(call, "description", Recorded(call), token: $"{call.CallSid}-description"),
            Twiml(call, "severity", new() { ["Digits"] = "3" }),
            Callback(call, "/twilio/voice/recording?purpose=description", Recorded(call, recordingStatus: "completed")),
            Callback(call, "/twilio/voice/status", new() { ["CallStatus"] = "completed" }),
            Callback(call, "/twilio/voice/status", new() { ["CallStatus"] = "completed" }),
        }));

        Assert.All(answers, answer => Assert.True(answer.Ok, answer.Problem));
        foreach (var call in calls)
        {
            var session = await SessionAsync(call);
            Assert.True(session.CaseOpened, $"{call.CallSid} opened no case");
            Assert.NotNull(session.EndedAt);
            Assert.Equal(1, await App.WithDbAsync(db => db.Cases.CountAsync(c => c.OpeningKey == "call:" + call.CallSid)));
            Assert.True(await App.WithDbAsync(db => db.CallbackTasks.CountAsync(t => t.CallSid == call.CallSid)) <= 1);
        }
    }

    [Fact]
    public async Task A_menu_choice_its_retry_and_two_hang_up_callbacks_together_leave_exactly_one_abandoned_call_task()
    {
        var calls = new List<PhoneCall>();
        for (var i = 0; i < Calls; i++)
        {
            calls.Add(await AtMenuAsync());
        }

        var answers = await Task.WhenAll(calls.SelectMany(call => new[]
        {
            Twiml(call, "menu", new() { ["Digits"] = "1" }, token: $"{call.CallSid}-menu"),
            Twiml(call, "menu", new() { ["Digits"] = "1" }, token: $"{call.CallSid}-menu"),
            Twiml(call, "code", new() { ["Digits"] = "000000#" }),
            Callback(call, "/twilio/voice/status", new() { ["CallStatus"] = "no-answer" }),
            Callback(call, "/twilio/voice/status", new() { ["CallStatus"] = "no-answer" }),
        }));

        Assert.All(answers, answer => Assert.True(answer.Ok, answer.Problem));
        foreach (var call in calls)
        {
            var tasks = await App.WithDbAsync(db => db.CallbackTasks.AsNoTracking().Where(t => t.CallSid == call.CallSid).ToListAsync());
            var task = Assert.Single(tasks);
            Assert.Equal(CallbackReason.Abandoned, task.Reason);
            Assert.Equal("no-answer", (await SessionAsync(call)).EndStatus);
        }
    }

    [Fact]
    public async Task Two_instances_answering_overlapping_webhooks_of_the_same_calls_agree_on_one_case_each()
    {
        // A second instance on the same database has its own per-call locks and write gate: only the session's
        // version check keeps the two apart.
        await using var other = new IvrApp(App.Database, App.Time);
        var calls = new List<PhoneCall>();
        for (var i = 0; i < Calls; i++)
        {
            calls.Add(await ContactAtDescriptionAsync("2"));
        }

        var answers = await Task.WhenAll(calls.SelectMany(call =>
        {
            var there = new PhoneCall(other, call.From, call.CallSid);
            return new[]
            {
                Twiml(call, "description", Recorded(call), token: $"{call.CallSid}-description"),
                Twiml(there, "description", Recorded(call), token: $"{call.CallSid}-description"),
                Callback(there, "/twilio/voice/status", new() { ["CallStatus"] = "completed" }),
                Callback(call, "/twilio/voice/status", new() { ["CallStatus"] = "completed" }),
            };
        }));

        Assert.All(answers, answer => Assert.True(answer.Ok, answer.Problem));
        foreach (var call in calls)
        {
            Assert.NotNull((await SessionAsync(call)).EndedAt);
            Assert.Equal(1, await App.WithDbAsync(db => db.Cases.CountAsync(c => c.OpeningKey == "call:" + call.CallSid)));
            Assert.True(await App.WithDbAsync(db => db.CallbackTasks.CountAsync(t => t.CallSid == call.CallSid)) <= 1);
        }
    }

    private static Dictionary<string, string> Recorded(PhoneCall call, string? recordingStatus = null)
    {
        var sid = "RE" + call.CallSid[2..];
        var form = new Dictionary<string, string>
        {
            ["Digits"] = "#",
            ["RecordingSid"] = sid,
            ["RecordingUrl"] = $"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}",
            ["RecordingDuration"] = "9",
        };
        if (recordingStatus is not null)
        {
            form["RecordingStatus"] = recordingStatus;
        }
        return form;
    }

    private sealed record Answer(bool Ok, string Problem);

    /// <summary>A call step: 200 with a TwiML document.</summary>
    private static async Task<Answer> Twiml(PhoneCall call, string step, Dictionary<string, string> values, string? token = null)
    {
        using var response = await call.App.PostAsync($"/twilio/voice/{step}", call.Form(values), token);
        var body = await response.Content.ReadAsStringAsync();
        var isTwiml = response.StatusCode == HttpStatusCode.OK
            && response.Content.Headers.ContentType?.MediaType == "application/xml"
            && XDocument.Parse(body).Root?.Name.LocalName == "Response";
        return new(isTwiml, $"{call.CallSid} {step}: {(int)response.StatusCode} {body}");
    }

    /// <summary>A callback outside the call's document: 204, nothing to say to the caller.</summary>
    private static async Task<Answer> Callback(PhoneCall call, string pathAndQuery, Dictionary<string, string> values)
    {
        using var response = await call.App.PostAsync(pathAndQuery, call.Form(values));
        return new(response.StatusCode == HttpStatusCode.NoContent, $"{call.CallSid} {pathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
