using Hangfire;
using Hangfire.States;
using Hangfire.Storage.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Telephony;
using WebTicketing.Core.Tests.Sla;
using WebTicketing.Core.Tests.Support;
using static WebTicketing.Core.Tests.Support.BackgroundServer;

namespace WebTicketing.Core.Tests.Telephony;

/// <summary>
/// The console's job server shares the job store with the phone line's and serves only the case queue, yet its
/// schedulers also handle the phone's jobs between runs: a download Hangfire retries later, the daily retention. This
/// project references Core alone, as the console does: a phone job here is loaded as the console would load it.
/// </summary>
[Collection(HangfireServerCollection.Name)]
public sealed class PhoneJobsTests
{
    private static readonly Dictionary<string, string?> WithServer = new() { ["Jobs:RunServer"] = "true" };

    [Fact]
    public async Task A_retried_recording_download_is_moved_back_to_the_phone_queue_by_the_console_scheduler()
    {
        await using var console = await CoreTestHost.StartAsync(settings: WithServer);
        var storage = console.Services.GetRequiredService<JobStorage>();
        // Where Hangfire's retry leaves a failed download: scheduled, here for an instant already past.
        var id = console.Services.GetRequiredService<IBackgroundJobClient>().Schedule<RecordingDownload>(
            job => job.RunAsync("CA0001", "RE0001", "https://api.twilio.com/Recordings/RE0001", RecordingPurpose.Description, CancellationToken.None),
            TimeSpan.Zero);

        await console.RunAsync();
        await Eventually(() => Task.FromResult(LatestState(storage, id).StateName != ScheduledState.StateName));

        var state = LatestState(storage, id);
        Assert.Equal(EnqueuedState.StateName, state.StateName);
        Assert.Equal(PhoneJobs.Queue, state.Data["Queue"]);
    }

    [Fact]
    public async Task The_daily_retention_triggered_by_the_console_goes_to_the_phone_queue()
    {
        await using var console = await CoreTestHost.StartAsync(settings: WithServer);
        var storage = console.Services.GetRequiredService<JobStorage>();
        var recurring = console.Services.GetRequiredService<IRecurringJobManagerV2>();
        recurring.AddOrUpdate<CallSessionRetention>(CallSessionRetention.JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily(3));

        var id = recurring.TriggerJob(CallSessionRetention.JobId);

        var state = LatestState(storage, id);
        Assert.Equal(EnqueuedState.StateName, state.StateName);
        Assert.Equal(PhoneJobs.Queue, state.Data["Queue"]);
    }

    private static StateHistoryDto LatestState(JobStorage storage, string jobId) =>
        storage.GetMonitoringApi().JobDetails(jobId).History.First();
}
