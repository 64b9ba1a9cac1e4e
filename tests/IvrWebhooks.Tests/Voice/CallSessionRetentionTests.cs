using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Telephony;
using WebTicketing.Core.Tests.Support;
using WebTicketing.IvrWebhooks.Tests.Support;
using WebTicketing.IvrWebhooks.Voice;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class CallSessionRetentionTests : IvrTest
{
    [Fact]
    public async Task Sessions_of_calls_finished_more_than_30_days_ago_are_deleted_and_what_they_collected_stays()
    {
        var old = Call();
        await old.StartAsync();
        await old.HangUpAsync();
        App.Time.Advance(TimeSpan.FromDays(20));
        var recent = Call();
        await recent.StartAsync();
        await recent.HangUpAsync();
        var neverEnded = Call();
        await neverEnded.StartAsync();
        App.Time.Advance(TimeSpan.FromDays(10) + TimeSpan.FromMinutes(1));

        Assert.Equal(1, await RunRetentionAsync());
        Assert.Equal([recent.CallSid, neverEnded.CallSid], await SessionSidsAsync());
        // The abandoned call's callback task carries what the caller gave: it is not the session's to delete.
        Assert.True(await App.WithDbAsync(db => db.CallbackTasks.AnyAsync(t => t.CallSid == old.CallSid)));

        App.Time.Advance(TimeSpan.FromDays(20));

        Assert.Equal(2, await RunRetentionAsync());
        Assert.Empty(await SessionSidsAsync());
        Assert.Equal(0, await RunRetentionAsync());
    }

    [Fact]
    public async Task More_old_sessions_than_one_batch_are_all_deleted_in_one_run()
    {
        var count = CallSessionRetention.BatchSize + 3;
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                db.CallSessions.Add(new() { CallSid = $"CAold{i}", Step = nameof(VoiceStep.Done), StartedAt = IvrApp.Start, UpdatedAt = IvrApp.Start, EndedAt = IvrApp.Start });
            }
            await db.SaveChangesAsync();
        });
        App.Time.Advance(TimeSpan.FromDays(31));

        Assert.Equal(count, await RunRetentionAsync());
        Assert.Empty(await SessionSidsAsync());
    }

    [Fact]
    public async Task The_daily_retention_run_is_registered_where_a_job_server_runs()
    {
        await using var withServer = new IvrApp(settings: new() { ["Jobs:RunServer"] = "true" });
        _ = withServer.Server;

        using var connection = withServer.Services.GetRequiredService<JobStorage>().GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == CallSessionRetention.JobId);
        Assert.Equal(Cron.Daily(3), job.Cron);
    }

    [Fact]
    public async Task The_phone_line_job_server_takes_only_the_phone_jobs_and_leaves_case_jobs_to_the_console()
    {
        await using var withServer = new IvrApp(settings: new() { ["Jobs:RunServer"] = "true" });
        _ = withServer.Server;
        var monitoring = withServer.Services.GetRequiredService<JobStorage>().GetMonitoringApi();

        // The server announces itself from its own thread once the host has started.
        await BackgroundServer.Eventually(() => Task.FromResult(monitoring.Servers().Count > 0));
        var server = Assert.Single(monitoring.Servers());
        Assert.Equal([PhoneJobs.Queue], server.Queues);
        // A run of a recurring entry goes to the phone queue too.
        var jobId = withServer.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(CallSessionRetention.JobId);
        var enqueued = monitoring.JobDetails(jobId).History.Last(state => state.StateName == EnqueuedState.StateName);
        Assert.Equal(PhoneJobs.Queue, enqueued.Data["Queue"]);
    }

    private Task<int> RunRetentionAsync() =>
        App.WithDbAsync(async _ =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<CallSessionRetention>().RunAsync(CancellationToken.None);
        });

    private Task<List<string>> SessionSidsAsync() =>
        App.WithDbAsync(db => db.CallSessions.AsNoTracking().OrderBy(s => s.CallSid).Select(s => s.CallSid).ToListAsync());
}
