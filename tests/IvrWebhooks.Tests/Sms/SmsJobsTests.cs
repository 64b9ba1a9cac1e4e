using System.Diagnostics;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Data;
using WebTicketing.Core.Notifications;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Sms;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireCollection
{
    /// <summary>Hangfire keeps global state (JobStorage.Current): apps running its server take turns.</summary>
    public const string Name = "Hangfire";
}

/// <summary>The outbox driven by a real Hangfire server on the app's SQLite job store, in Local mode.</summary>
[Collection(HangfireCollection.Name)]
public sealed class SmsJobsTests : IAsyncLifetime
{
    // The IVR serves only its own queue; here it also serves the case jobs' queue, as the console's server does.
    private static readonly Dictionary<string, string?> WithServer = new() { ["Jobs:RunServer"] = "true", ["Jobs:WorkerCount"] = "2", ["Jobs:Queues:1"] = "default" };
    private readonly List<SmsWebhookApp> apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<SmsWebhookApp> StartAsync(Dictionary<string, string?> settings, SmsWebhookApp? restartOn = null)
    {
        var app = await SmsWebhookApp.StartAsync(settings, restartOn);
        apps.Add(app);
        return app;
    }

    /// <summary>Waits for the background server, which runs on real time, to get there.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || waited.Elapsed > TimeSpan.FromSeconds(45))
            {
                return value;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private static Task<OutboxMessage> DeliveredAsync(SmsWebhookApp app, long messageId) => EventuallyAsync(
        () => app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == messageId)),
        message => message.Status == OutboxStatus.Delivered);

    [Fact]
    public async Task A_committed_change_is_texted_by_its_own_job_right_away()
    {
        var app = await StartAsync(WithServer);

        var @case = await app.OpenCaseAsync();

        var queued = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.CaseId == @case.Id));
        var delivered = await DeliveredAsync(app, queued.Id);
        Assert.Equal(OutboxStatus.Delivered, delivered.Status);
        Assert.Equal(1, delivered.Attempts);
        var monitoring = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var succeeded = await EventuallyAsync(
            // The every-minute dispatcher may run too; only the message's own job counts here.
            () => Task.FromResult(monitoring.SucceededJobs(0, 50).Select(j => j.Value.Job).Where(j => j.Method.Name == nameof(SmsSender.SendAsync)).ToList()),
            jobs => jobs.Count > 0);
        var job = Assert.Single(succeeded);
        Assert.Equal([queued.Id], Assert.IsType<long[]>(job.Args[0]));
    }

    [Fact]
    public async Task A_message_another_feature_queues_and_saves_itself_is_sent_by_its_job_too()
    {
        var app = await StartAsync(WithServer);

        // As the SLA engine pages an on-call engineer: its own key and text, saved by its own SaveChanges.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SmsOutbox>().QueueAsync("sla:test:breach", "+34910000002", "Case 10000008 breached its SLA");
            await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().SaveChangesAsync();
        }

        var queued = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.DedupKey == "sla:test:breach"));
        var delivered = await DeliveredAsync(app, queued.Id);
        Assert.Equal(OutboxStatus.Delivered, delivered.Status);
    }

    [Fact]
    public async Task A_message_queued_in_a_transaction_that_rolls_back_is_neither_stored_nor_enqueued()
    {
        var app = await StartAsync(new Dictionary<string, string?>());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
            await using var transaction = await db.BeginWriteAsync();
            await scope.ServiceProvider.GetRequiredService<SmsOutbox>().QueueAsync("sla:test:rolled-back", "+34910000002", "Never");
            await db.SaveChangesAsync();
        }

        var monitoring = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        Assert.Equal(0, await app.WithDbAsync(db => db.Outbox.CountAsync()));
        Assert.Equal(0, SendJobsEnqueued(monitoring));

        await app.OpenCaseAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync()));
        Assert.Equal(1, SendJobsEnqueued(monitoring));
    }

    // Other jobs share the queue (the SLA sweep runs once at start): count only the SMS sends.
    private static int SendJobsEnqueued(Hangfire.Storage.IMonitoringApi monitoring) =>
        monitoring.EnqueuedJobs("default", 0, 1000).Count(job => job.Value.Job?.Type == typeof(SmsSender));

    [Fact]
    public async Task The_every_minute_dispatcher_is_registered()
    {
        var app = await StartAsync(WithServer);

        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var dispatcher = Assert.Single(connection.GetRecurringJobs(), j => j.Id == SmsSender.DispatcherJobId);
        Assert.Equal(Cron.Minutely(), dispatcher.Cron);
    }

    [Fact]
    public async Task A_message_whose_job_was_lost_in_a_crash_is_sent_by_the_dispatcher_after_restart()
    {
        var crashed = await StartAsync(new Dictionary<string, string?>());
        var @case = await crashed.OpenCaseAsync();
        // The crash came between the commit and the enqueue: the row is there, its job is not.
        var lost = await crashed.WithDbAsync(async db =>
        {
            var message = new OutboxMessage { DedupKey = $"case:{@case.Id}:test-lost", To = "+34600000001", Body = "Lost job", CaseId = @case.Id, CreatedAt = SmsWebhookApp.Start, NextAttemptAt = SmsWebhookApp.Start };
            db.Outbox.Add(message);
            await db.SaveChangesAsync();
            return message;
        });
        await crashed.StopAsync();

        var restarted = await StartAsync(WithServer, restartOn: crashed);
        restarted.Services.GetRequiredService<IRecurringJobManager>().Trigger(SmsSender.DispatcherJobId);

        var delivered = await DeliveredAsync(restarted, lost.Id);
        Assert.Equal(OutboxStatus.Delivered, delivered.Status);
        Assert.Equal(1, delivered.Attempts);
    }
}
