using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Sla;

namespace WebTicketing.Bench.Data;

public static class SlaBench
{
    /// <summary>
    /// Scheduling cost of the job store by SQLite journal mode, on fresh files beside the bench database: the store's
    /// default journal versus WAL, the mode the case database uses.
    /// </summary>
    public static List<(string Mode, double MsPerJob, double CpuMsPerJob)> CompareJournalModes(string root, int jobs)
    {
        var results = new List<(string, double, double)>();
        foreach (var mode in new[] { Hangfire.Storage.SQLite.SQLiteStorageOptions.JournalModes.DELETE, Hangfire.Storage.SQLite.SQLiteStorageOptions.JournalModes.WAL })
        {
            var path = Path.Combine(root, $"hangfire-{mode}.db");
            var storage = new Hangfire.Storage.SQLite.SQLiteStorage(path, new Hangfire.Storage.SQLite.SQLiteStorageOptions { JournalMode = mode });
            var client = new BackgroundJobClient(storage);
            var cpu = CpuTime();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < jobs; i++)
            {
                client.Schedule<SlaJobs>(j => j.CheckAsync(i, SlaTargetKind.Resolution, SlaCheck.Breach, 0, CancellationToken.None), TimeSpan.FromHours(2));
            }
            results.Add((mode.ToString(), Stopwatch.GetElapsedTime(started).TotalMilliseconds / jobs, (CpuTime() - cpu).TotalMilliseconds / jobs));
        }
        return results;
    }

    /// <summary>CPU time of this process: on a machine shared with other work, the part of a cost that is ours.</summary>
    public static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>
    /// Every open case's SLA jobs scheduled the way a change schedules them (<see cref="SlaJobScheduler"/>, all of its
    /// checkpoints as at opening), timed until they are in the job store.
    /// </summary>
    public static async Task<(int Cases, int Jobs, TimeSpan Elapsed, TimeSpan Cpu)> ScheduleAllAsync(IServiceProvider services, int limit, TimeSpan budget)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var scheduler = scope.ServiceProvider.GetRequiredService<SlaJobScheduler>();
        // Cases already overdue are left to the sweep measured next.
        var now = DateTimeOffset.UtcNow;
        var open = await db.Cases.AsNoTracking().Where(c => c.Sla.NextCheckAt > now).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Sla }).Take(limit).ToListAsync();
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var (cases, jobs) = (0, 0);
        // A time budget keeps the suite within its quarter of an hour on a slow store; the rate is what is reported.
        foreach (var c in open)
        {
            var checkpoints = SlaClock.Checkpoints(c.Sla);
            scheduler.Schedule(c.Id, [], checkpoints);
            jobs += checkpoints.Count;
            if (++cases % 500 == 0 && Stopwatch.GetElapsedTime(started) > budget)
            {
                break;
            }
        }
        await FlushAsync(services);
        return (cases, jobs, Stopwatch.GetElapsedTime(started), CpuTime() - cpu);
    }

    /// <summary>Waits until every SLA job asked for so far is in the job store.</summary>
    public static Task FlushAsync(IServiceProvider services) => services.GetRequiredService<SlaJobQueue>().WritePendingAsync();

    /// <summary>The app's own sweep job (<see cref="SlaJobs.SweepAsync"/>), timed.</summary>
    public static async Task<(int Acted, TimeSpan Total, TimeSpan Cpu)> SweepAsync(IServiceProvider services)
    {
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        await using var scope = services.CreateAsyncScope();
        var acted = await scope.ServiceProvider.GetRequiredService<SlaJobs>().SweepAsync(CancellationToken.None);
        return (acted, Stopwatch.GetElapsedTime(started), CpuTime() - cpu);
    }

    /// <summary>
    /// Another backlog like the seeded one: the resolution of <paramref name="count"/> open cases not yet due (the lowest
    /// ids, away from the probes taken from the highest) moved to a minute ago, warning included, in one statement.
    /// </summary>
    public static async Task<int> MakeBacklogAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var now = DateTimeOffset.UtcNow;
        var due = now.AddMinutes(-1);
        var ids = await db.Cases.Where(c => c.Sla.NextCheckAt > now).OrderBy(c => c.Id).Select(c => c.Id).Take(count).ToListAsync();
        return await db.Cases.Where(c => ids.Contains(c.Id)).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.Sla.ResolutionDueAt, due)
            .SetProperty(c => c.Sla.ResolutionWarnAt, due.AddMinutes(-5))
            .SetProperty(c => c.Sla.NextDueAt, due)
            .SetProperty(c => c.Sla.NextCheckAt, due.AddMinutes(-5)));
    }

    /// <summary>
    /// Moves the resolution due of <paramref name="caseIds"/> to the given instants (warning and due together, so the
    /// breach alone is processed) and schedules their jobs as a clock change does.
    /// </summary>
    public static async Task MakeDueAsync(IServiceProvider services, IReadOnlyList<(int CaseId, DateTimeOffset DueAt)> cases)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var scheduler = scope.ServiceProvider.GetRequiredService<SlaJobScheduler>();
        foreach (var (id, due) in cases)
        {
            await db.Cases.Where(c => c.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(c => c.Sla.ResolutionDueAt, due)
                .SetProperty(c => c.Sla.ResolutionWarnAt, due)
                .SetProperty(c => c.Sla.NextDueAt, due)
                .SetProperty(c => c.Sla.NextCheckAt, due));
            var sla = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => c.Sla).SingleAsync();
            scheduler.Schedule(id, [], SlaClock.Checkpoints(sla));
        }
        await FlushAsync(services);
    }

    /// <summary>When each case's first SlaBreached entry since <paramref name="since"/> was written (absent while none).</summary>
    public static async Task<Dictionary<int, DateTimeOffset>> BreachesAsync(IServiceProvider services, IReadOnlyCollection<int> caseIds, DateTimeOffset since)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        return (await db.CaseEvents.AsNoTracking().Where(e => caseIds.Contains(e.CaseId) && e.Kind == CaseEventKind.SlaBreached && e.At >= since)
                .Select(e => new { e.CaseId, e.At }).ToListAsync())
            .GroupBy(e => e.CaseId).ToDictionary(g => g.Key, g => g.Min(e => e.At));
    }

    /// <summary>Cases opened through CaseWorkflow (which schedules their SLA jobs), by several callers at once.</summary>
    public static async Task<(int Opened, TimeSpan Opening, TimeSpan WithJobs, TimeSpan Cpu, Latency[] Latencies)> OpenCasesAsync(IServiceProvider services, int concurrency, TimeSpan duration)
    {
        List<int> equipment;
        await using (var scope = services.CreateAsyncScope())
        {
            equipment = await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().Equipment.Select(e => e.Id).ToListAsync();
        }
        // Warm-up (JIT, pools, the job store's first connection) outside the measurement.
        for (var i = 0; i < 20; i++)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CaseWorkflow>().OpenAsync(new OpenCaseRequest(equipment[i % equipment.Count], Severity.Minor,
                "Bench warm-up", Channel.Phone), Actor.Phone);
        }
        await FlushAsync(services);
        var latency = new Latency("CaseWorkflow.OpenAsync (its SLA jobs included)");
        var opened = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await using var scope = services.CreateAsyncScope();
                var workflow = scope.ServiceProvider.GetRequiredService<CaseWorkflow>();
                var t0 = Stopwatch.GetTimestamp();
                var change = await workflow.OpenAsync(new OpenCaseRequest(equipment[random.Next(equipment.Count)], (Severity)random.Next(1, 5),
                    "Bench: la impresora no imprime", Channel.Phone, OpeningKey: "CA" + Guid.NewGuid().ToString("N")), Actor.Phone);
                latency.Record(Stopwatch.GetElapsedTime(t0));
                if (change.Succeeded)
                {
                    Interlocked.Increment(ref opened);
                }
            }
        })));
        var openedIn = Stopwatch.GetElapsedTime(started);
        // Opening counts once its SLA jobs are in the job store, wherever the app writes them.
        await FlushAsync(services);
        return (opened, openedIn, Stopwatch.GetElapsedTime(started), CpuTime() - cpu, [latency]);
    }
}
