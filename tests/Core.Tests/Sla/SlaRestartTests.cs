using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Support;
using static WebTicketing.Core.Tests.Support.BackgroundServer;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Sla;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireServerCollection
{
    /// <summary>Hangfire keeps global static configuration: classes running a server take turns, alone.</summary>
    public const string Name = "Hangfire server";
}

/// <summary>
/// A real Hangfire server on real SQLite job storage in a temp folder, restarted around a deadline. The domain clock
/// is fake; Hangfire's scheduler runs on real time, so the test fires the persisted jobs by re-queueing them instead
/// of waiting for their instants.
/// </summary>
[Collection(HangfireServerCollection.Name)]
public sealed class SlaRestartTests
{
    private static readonly DateTimeOffset Start = CoreTestHost.Start;

    [Fact]
    public async Task Breach_due_while_the_apps_were_stopped_is_processed_at_start_exactly_once()
    {
        await using var database = TestDatabase.Create();
        Case opened;
        List<string> scheduled;
        var beforeHost = await CoreTestHost.StartAsync(sharedDatabase: database);
        await using (var before = await SlaHost.AttachAsync(beforeHost, await beforeHost.WithDbAsync(TestDirectory.SeedAsync)))
        {
            opened = await before.OpenAsync(Severity.Critical);
            // Warning and due of the start of work and of tier 1's budget, persisted in hangfire.db.
            scheduled = Storage(before.Host).GetMonitoringApi().ScheduledJobs(0, 100).Select(j => j.Key).ToList();
            Assert.Equal(4, scheduled.Count);
        }

        // Stopped for two and a half hours: the 2 h start of work passed while nothing ran.
        var after = new SlaHost(
            await CoreTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:RunServer"] = "true" }, sharedDatabase: database, now: Start.AddHours(2.5)),
            null!);
        await using (after)
        {
            await after.Host.RunAsync();
            await Eventually(async () => (await after.LoadAsync(opened.Id)).Sla.FirstTargetBreached);

            // The jobs scheduled before the stop survived it. Their instants (2 March 2026) are in the real past, so
            // the server enqueues them at once: they run after or alongside the start-up sweep and find nothing to do.
            var storage = Storage(after.Host);
            await Eventually(() => Task.FromResult(scheduled.All(id => StateOf(storage, id) == "Succeeded")));
            // Delivered twice, as Hangfire may after a crash: still nothing more.
            var client = after.Host.Services.GetRequiredService<IBackgroundJobClient>();
            foreach (var id in scheduled)
            {
                Assert.True(client.Requeue(id));
            }
            await Eventually(() => Task.FromResult(scheduled.All(id => StateOf(storage, id) == "Succeeded")));

            var stored = await after.LoadAsync(opened.Id);
            Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaBreached);
            Assert.DoesNotContain(stored.Events, e => e.Kind == CaseEventKind.SlaWarning);
            Assert.Equal([SlaHost.NetworkTier1, SlaHost.SupervisorPhone], (await after.OutboxAsync(opened.Id)).Select(m => m.To));
        }
    }

    [Fact]
    public async Task Minute_sweep_is_registered_as_a_recurring_job_when_the_app_starts()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.RunAsync();

        using var connection = Storage(host).GetConnection();
        var recurring = connection.GetRecurringJobs();
        var sweep = Assert.Single(recurring, j => j.Id == SlaJobs.SweepJobId);
        Assert.Equal(Cron.Minutely(), sweep.Cron);
        Assert.Equal(nameof(SlaJobs.SweepAsync), sweep.Job.Method.Name);
    }

    private static JobStorage Storage(CoreTestHost host) => host.Services.GetRequiredService<JobStorage>();

    private static string? StateOf(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetJobData(jobId)?.State;
    }
}
