using System.Net;
using System.Text;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Tests.Support;
using WebTicketing.IvrWebhooks.Voice;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

/// <summary>Recording callbacks queue a Hangfire job; the job downloads from a local stand-in for Twilio's media host.</summary>
public sealed class RecordingTests : IvrTest
{
    private const string AccountSid = "ACtest";
    private static readonly byte[] Audio = Encoding.ASCII.GetBytes("RIFF....WAVEfmt fake audio");
    private WebApplication? media;
    private string? seenAuthorization;
    private int misses;

    protected override IvrApp CreateApp() => new(settings: new() { ["Twilio:AccountSid"] = AccountSid });

    private async Task<string> StartMediaHostAsync(int failuresFirst = 0)
    {
        misses = failuresFirst;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        media = builder.Build();
        media.MapGet("/Recordings/{file}", (string file, HttpRequest request) =>
        {
            seenAuthorization = request.Headers.Authorization.ToString();
            if (misses-- > 0)
            {
                return Results.NotFound();
            }
            return file.EndsWith(".wav", StringComparison.Ordinal) ? Results.Bytes(Audio, "audio/x-wav") : Results.NotFound();
        });
        await media.StartAsync();
        return media.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    private async Task<PhoneCall> OpenedCaseAsync(string recordingSid)
    {
        var call = await ContactAtDescriptionAsync("2");
        await call.RecordAsync("description", recordingSid);
        return call;
    }

    private Task<HttpStatusCode> RecordingCallbackAsync(PhoneCall call, string purpose, string sid, string mediaHost, string status = "completed") =>
        call.CallbackAsync($"/twilio/voice/recording?purpose={purpose}", new Dictionary<string, string>
        {
            ["RecordingSid"] = sid,
            ["RecordingUrl"] = $"{mediaHost}/Recordings/{sid}",
            ["RecordingStatus"] = status,
            ["RecordingDuration"] = "12",
        });

    /// <summary>Runs the jobs the webhooks queued, as a Hangfire worker would, through the app's own services.</summary>
    private async Task<int> RunQueuedDownloadsAsync()
    {
        var storage = App.Services.GetRequiredService<JobStorage>();
        // Downloads go to the phone's own queue, which only the phone line's job server serves.
        var monitoring = storage.GetMonitoringApi();
        Assert.DoesNotContain(monitoring.EnqueuedJobs(EnqueuedState.DefaultQueue, 0, 100), j => j.Value.Job?.Type == typeof(RecordingDownload));
        var queued = monitoring.EnqueuedJobs(PhoneJobs.Queue, 0, 100)
            .Select(j => j.Value.Job).Where(job => job?.Type == typeof(RecordingDownload)).ToList();
        foreach (var job in queued)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var download = scope.ServiceProvider.GetRequiredService<RecordingDownload>();
            await download.RunAsync((string)job.Args[0], (string)job.Args[1], (string)job.Args[2], (RecordingPurpose)job.Args[3], CancellationToken.None);
        }
        return queued.Count;
    }

    [Fact]
    public async Task Completed_description_recording_is_downloaded_with_basic_auth_and_attached_to_the_case()
    {
        var host = await StartMediaHostAsync();
        var call = await OpenedCaseAsync("RE0600");

        Assert.Equal(HttpStatusCode.NoContent, await RecordingCallbackAsync(call, "description", "RE0600", host));
        Assert.Equal(1, await RunQueuedDownloadsAsync());

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{IvrApp.AuthToken}")), seenAuthorization);
        var @case = await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        Assert.Equal("RE0600", @case.RecordingSid);
        Assert.Equal("RE0600.wav", @case.RecordingPath);
        Assert.Equal(Audio, await File.ReadAllBytesAsync(Path.Combine(App.Root, "recordings", "RE0600.wav")));
        Assert.Equal(1, await App.WithDbAsync(db => db.CaseEvents.CountAsync(e => e.CaseId == @case.Id && e.Kind == CaseEventKind.RecordingAttached)));
    }

    [Fact]
    public async Task Running_the_download_twice_links_the_recording_once()
    {
        var host = await StartMediaHostAsync();
        var call = await OpenedCaseAsync("RE0601");
        await RecordingCallbackAsync(call, "description", "RE0601", host);
        await RecordingCallbackAsync(call, "description", "RE0601", host);

        Assert.Equal(2, await RunQueuedDownloadsAsync());

        var caseId = (await SessionAsync(call)).CaseId;
        Assert.Equal(1, await App.WithDbAsync(db => db.CaseEvents.CountAsync(e => e.CaseId == caseId && e.Kind == CaseEventKind.RecordingAttached)));
    }

    [Fact]
    public async Task A_recording_not_ready_yet_fails_the_job_so_hangfire_retries_it_later()
    {
        var host = await StartMediaHostAsync(failuresFirst: 1);
        var call = await OpenedCaseAsync("RE0602");
        await RecordingCallbackAsync(call, "description", "RE0602", host);

        await Assert.ThrowsAsync<HttpRequestException>(RunQueuedDownloadsAsync);
        Assert.Null((await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid))).RecordingPath);
        var retry = typeof(RecordingDownload).GetMethod(nameof(RecordingDownload.RunAsync))!
            .GetCustomAttributes(typeof(AutomaticRetryAttribute), false).Cast<AutomaticRetryAttribute>().Single();
        Assert.True(retry.Attempts >= 5);

        await RunQueuedDownloadsAsync();
        Assert.Equal("RE0602.wav", (await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid))).RecordingPath);
    }

    [Fact]
    public async Task Absent_recording_queues_nothing()
    {
        var host = await StartMediaHostAsync();
        var call = await OpenedCaseAsync("RE0603");

        await RecordingCallbackAsync(call, "description", "RE0603", host, status: "absent");

        Assert.Equal(0, await RunQueuedDownloadsAsync());
    }

    [Fact]
    public async Task Recording_of_a_caller_who_hung_up_before_the_case_was_opened_goes_to_the_abandoned_call_task()
    {
        var host = await StartMediaHostAsync();
        var call = await AtMenuAsync();
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.AcmeCode);
        await call.StepAsync("confirm-code", "1");
        await call.StepAsync("callback-number", "34611222333");
        await call.StepAsync("severity", "2");
        await call.HangUpAsync();

        await RecordingCallbackAsync(call, "description", "RE0604", host);
        await RunQueuedDownloadsAsync();

        var task = await App.WithDbAsync(db => db.CallbackTasks.SingleAsync(t => t.CallSid == call.CallSid));
        Assert.Equal("RE0604.wav", task.RecordingPath);
        Assert.Equal("RE0604", task.RecordingSid);
    }

    [Fact]
    public async Task Voicemail_recording_is_linked_to_the_case_timeline()
    {
        var host = await StartMediaHostAsync();
        var call = Call(VoiceDirectory.AnaPhone);
        await call.StartAsync();
        await call.StepAsync("menu", "2");
        await call.StepAsync("case-number", Directory.OpenCaseNumber);
        await call.StepAsync("case-menu", "0");
        await call.StepAsync("dial-result", extra: new Dictionary<string, string> { ["DialCallStatus"] = "no-answer" });
        await call.RecordAsync("voicemail", "RE0605");

        await RecordingCallbackAsync(call, "voicemail", "RE0605", host);
        await RunQueuedDownloadsAsync();

        var attached = await App.WithDbAsync(db => db.CaseEvents.SingleAsync(e => e.CaseId == Directory.OpenCaseId && e.Kind == CaseEventKind.RecordingAttached));
        Assert.Equal("RE0605.wav", attached.Text);
        Assert.Null((await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.Id == Directory.OpenCaseId))).RecordingPath);
    }

    [Fact]
    public async Task Transcription_callback_adds_the_text_to_the_case()
    {
        var call = await OpenedCaseAsync("RE0606");

        var status = await call.CallbackAsync("/twilio/voice/transcription", new Dictionary<string, string>
        {
            ["TranscriptionSid"] = "TR0606",
            ["TranscriptionText"] = "The router reboots every hour.",
            ["TranscriptionStatus"] = "completed",
            ["RecordingSid"] = "RE0606",
        });

        Assert.Equal(HttpStatusCode.NoContent, status);
        var @case = await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        Assert.Equal("The router reboots every hour.", @case.Transcription);
        Assert.True(await App.WithDbAsync(db => db.CaseEvents.AnyAsync(e => e.CaseId == @case.Id && e.Kind == CaseEventKind.TranscriptionAttached)));
    }

    public override async Task DisposeAsync()
    {
        if (media is not null)
        {
            await media.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
