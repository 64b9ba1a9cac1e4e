using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;
using static WebTicketing.Core.Tests.Support.BackgroundServer;

namespace WebTicketing.Core.Tests.Sla;

/// <summary>
/// SLA jobs are written to the job store in batches after the change commits, by a background writer: every checkpoint
/// still gets its delayed job, and what a crash loses before the write the sweep catches.
/// </summary>
[Collection(HangfireServerCollection.Name)]
public sealed class SlaJobQueueTests
{
    private static readonly DateTimeOffset Start = CoreTestHost.Start;

    [Fact]
    public async Task Cases_opened_at_once_while_jobs_are_written_in_batches_all_get_their_warning_and_due_jobs()
    {
        await using var sla = await SlaHost.StartAsync();
        await sla.Host.RunAsync();

        var opened = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => sla.OpenAsync(i % 2 == 0 ? Severity.Critical : Severity.Minor))));
        await sla.WriteJobsAsync();

        var expected = new List<(int, SlaTargetKind, SlaCheck, long, DateTimeOffset)>();
        foreach (var @case in opened)
        {
            var stored = await sla.LoadAsync(@case.Id);
            expected.AddRange(SlaClock.Checkpoints(stored.Sla).Select(p => (@case.Id, p.Target, p.Check, p.DueAt.UtcTicks, p.At)));
        }
        var scheduled = sla.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 1000)
            .Select(j => j.Value)
            .Select(j => ((int)j.Job.Args[0], (SlaTargetKind)j.Job.Args[1], (SlaCheck)j.Job.Args[2], (long)j.Job.Args[3], new DateTimeOffset(j.EnqueueAt, TimeSpan.Zero)))
            .ToList();
        Assert.Equal(160, expected.Count);
        Assert.Equal(expected.Order(), scheduled.Order());
    }

    [SqliteOnlyFact] // Hangfire.Storage.SQLite's own file
    public async Task Job_server_finds_the_next_due_job_by_index_however_many_are_scheduled()
    {
        await using var host = await CoreTestHost.StartAsync();
        // Creates the job store (through the queue: see SlaJobQueue on why the client comes first).
        host.Services.GetRequiredService<SlaJobQueue>();

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.Root, "hangfire.db")}");
        await connection.OpenAsync();
        // The statements Hangfire.Storage.SQLite runs for GetFirstByLowestScoreFromSet("schedule", from, to), and
        // to find a job's row in the set when its state changes.
        var next = await PlanAsync(connection, "SELECT Value FROM [Set] WHERE Key = 'schedule' AND Score >= 0 AND Score <= 1800000000 ORDER BY Score LIMIT 1");
        var one = await PlanAsync(connection, "SELECT * FROM [Set] WHERE Key = 'schedule' AND Value = '5' LIMIT 1");

        Assert.Contains("INDEX IX_Set_Key_Score (Key=? AND Score>? AND Score<?)", next);
        Assert.DoesNotContain("TEMP B-TREE", next);
        Assert.Contains("(Key=? AND Value=?)", one);
    }

    private static async Task<string> PlanAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }
        return string.Join(" | ", plan);
    }

    [Fact]
    public async Task Case_whose_jobs_a_crash_lost_before_they_were_written_is_breached_by_the_sweep_at_restart()
    {
        await using var database = TestDatabase.Create();
        Case opened;
        var crashed = await CoreTestHost.StartAsync(sharedDatabase: database);
        var before = await SlaHost.AttachAsync(crashed, await crashed.WithDbAsync(TestDirectory.SeedAsync));
        opened = await before.OpenAsync(Severity.Critical);
        // The process dies after the commit, before its background writer ran: the jobs never reach the store.
        crashed.Stop();

        var after = new SlaHost(
            await CoreTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:RunServer"] = "true" }, sharedDatabase: database, now: Start.AddHours(2.5)),
            null!);
        await using (after)
        {
            await after.Host.RunAsync();
            Assert.Empty(after.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100));
            await Eventually(async () => (await after.LoadAsync(opened.Id)).Sla.FirstTargetBreached);

            var stored = await after.LoadAsync(opened.Id);
            Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaBreached);
            Assert.Equal([SlaHost.NetworkTier1, SlaHost.SupervisorPhone], (await after.OutboxAsync(opened.Id)).Select(m => m.To));
        }
    }
}
