using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.Bench.Data;

/// <summary>
/// Stands in for the SLA branch's job until it is merged: scheduled at a case's due instant, it records how late it
/// ran, then re-reads the case (jobs get ids and re-read state).
/// </summary>
public sealed class SlaProbe(WebTicketingDb db, TimeProvider time)
{
    public static Latency? Lateness { get; set; }
    private static int ran;

    public static int Ran => Volatile.Read(ref ran);

    public static void Reset(Latency lateness)
    {
        Lateness = lateness;
        Interlocked.Exchange(ref ran, 0);
    }

    public Task CheckAsync(int caseId, long dueUtcTicks) =>
        db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.Sla.NextDueAt).FirstOrDefaultAsync();

    /// <summary>The same work, timed against its due instant: only the probes scheduled for that measurement.</summary>
    public async Task ProbeAsync(int caseId, long dueUtcTicks)
    {
        var late = time.GetUtcNow() - new DateTimeOffset(dueUtcTicks, TimeSpan.Zero);
        Lateness?.Record(late < TimeSpan.Zero ? TimeSpan.Zero : late);
        await CheckAsync(caseId, dueUtcTicks);
        Interlocked.Increment(ref ran);
    }
}

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
                client.Schedule<SlaProbe>(p => p.CheckAsync(i, 0), TimeSpan.FromHours(2));
            }
            results.Add((mode.ToString(), Stopwatch.GetElapsedTime(started).TotalMilliseconds / jobs, (CpuTime() - cpu).TotalMilliseconds / jobs));
        }
        return results;
    }

    /// <summary>Schedules one SLA job per open case through IBackgroundJobClient, as opening a case does.</summary>
    /// <summary>CPU time of this process: on a machine shared with other work, the part of a cost that is ours.</summary>
    public static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    public static async Task<(int Jobs, TimeSpan Elapsed, TimeSpan Cpu)> ScheduleAllAsync(IServiceProvider services, int limit, TimeSpan budget)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
        // Cases already overdue are left to the sweep: enqueued at once, they would stand in front of the lateness probes.
        var now = DateTimeOffset.UtcNow;
        var due = await db.Cases.AsNoTracking().Where(c => c.Sla.NextDueAt > now).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Sla.NextDueAt }).Take(limit).ToListAsync();
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var scheduled = 0;
        // A time budget keeps the suite within its quarter of an hour on a slow store; the rate is what is reported.
        foreach (var c in due)
        {
            jobs.Schedule<SlaProbe>(p => p.CheckAsync(c.Id, c.NextDueAt!.Value.UtcTicks), c.NextDueAt!.Value);
            if (++scheduled % 500 == 0 && Stopwatch.GetElapsedTime(started) > budget)
            {
                break;
            }
        }
        return (scheduled, Stopwatch.GetElapsedTime(started), CpuTime() - cpu);
    }

    /// <summary>
    /// The recurring sweep as the SLA design implies it: find open cases whose next due instant has passed (index on
    /// NextDueAt), and for each mark the breach and put it on the timeline in one save.
    /// </summary>
    public static async Task<(int Breached, TimeSpan Query, TimeSpan Total, TimeSpan Cpu)> SweepAsync(IServiceProvider services, DateTimeOffset now)
    {
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var workflow = scope.ServiceProvider.GetRequiredService<CaseWorkflow>();
        var dueIds = await db.Cases.AsNoTracking()
            .Where(c => c.Sla.NextDueAt <= now && c.Status != CaseStatus.Resolved && c.Status != CaseStatus.Closed)
            .OrderBy(c => c.Sla.NextDueAt).Select(c => c.Id).ToListAsync();
        var query = Stopwatch.GetElapsedTime(started);
        foreach (var chunk in dueIds.Chunk(200))
        {
            var cases = await db.Cases.Where(c => chunk.Contains(c.Id)).ToListAsync();
            foreach (var @case in cases)
            {
                @case.Sla.FirstTargetBreached = true;
                @case.Sla.NextDueAt = null;
                workflow.Record(@case, CaseEventKind.SlaBreached, Actor.System, "first target missed", isPublic: false);
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        return (dueIds.Count, query, Stopwatch.GetElapsedTime(started), CpuTime() - cpu);
    }

    /// <summary>Cases opened through CaseWorkflow with their SLA job scheduled, by several callers at once.</summary>
    public static async Task<(int Opened, TimeSpan Elapsed, TimeSpan Cpu, Latency[] Latencies)> OpenCasesAsync(IServiceProvider services, int concurrency, TimeSpan duration)
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
            scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>().Schedule<SlaProbe>(p => p.CheckAsync(0, 0), TimeSpan.FromHours(2));
        }
        var latency = new Latency("open a case + schedule its SLA job");
        var openOnly = new Latency("of which CaseWorkflow.OpenAsync");
        var scheduleOnly = new Latency("of which IBackgroundJobClient.Schedule");
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
                var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
                var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
                var t0 = Stopwatch.GetTimestamp();
                var change = await workflow.OpenAsync(new OpenCaseRequest(equipment[random.Next(equipment.Count)], (Severity)random.Next(1, 5),
                    "Bench: la impresora no imprime", Channel.Phone, OpeningKey: "CA" + Guid.NewGuid().ToString("N")), Actor.Phone);
                openOnly.Record(Stopwatch.GetElapsedTime(t0));
                if (change.Succeeded && change.Case is { } @case)
                {
                    var due = time.GetUtcNow().AddHours(2);
                    var t1 = Stopwatch.GetTimestamp();
                    jobs.Schedule<SlaProbe>(p => p.CheckAsync(@case.Id, due.UtcTicks), due);
                    scheduleOnly.Record(Stopwatch.GetElapsedTime(t1));
                    Interlocked.Increment(ref opened);
                }
                latency.Record(Stopwatch.GetElapsedTime(t0));
            }
        })));
        return (opened, Stopwatch.GetElapsedTime(started), CpuTime() - cpu, [latency, openOnly, scheduleOnly]);
    }
}
