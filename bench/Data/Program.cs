using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Bench.Data;
using WebTicketing.Bench.LoadGen;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;

// Data-side benchmarks, in process on Core as the apps register it. Commands:
//   directory   seeds the bench directory into a database (an app's, while it runs) and writes its maintenance codes
//   console     fresh database, directory, N cases bulk-seeded, then the console's list and detail queries
//   sla         fresh database with N open cases: schedule their jobs, sweep, lateness of due jobs on a running server
//   open-cases  cases opened through CaseWorkflow (SLA jobs included), by several callers at once
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: benchdata directory|console|sla|open-cases --root DIR [options]  (see bench/README.md)");
    return 2;
}
var options = new Options(args.Skip(1));
var root = Path.GetFullPath(options.Require("root"));
var results = new Results(options.Get("results"));
void Progress(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
var load = () => File.ReadAllText("/proc/loadavg").Split(' ')[0];
// Headline numbers for the targets table (loadgen targets reads them).
var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);

switch (args[0])
{
    case "directory":
    {
        var host = await BenchHost.StartAsync(root, runJobServer: false, migrate: options.Flag("migrate"));
        var codes = await SeedDirectoryAsync(host.Services);
        if (options.Get("codes-out") is { } codesOut)
        {
            await File.WriteAllLinesAsync(codesOut, codes);
        }
        Progress($"directory: {codes.Count} maintenance codes");
        await BenchHost.StopAsync(host);
        break;
    }
    case "console":
    {
        var count = options.Int("cases", 1_000_000);
        // --reuse: measure again on the database a previous run seeded (its schema must match this build's migration).
        var reuse = options.Flag("reuse") && File.Exists(BenchHost.DatabasePath(root));
        if (!reuse)
        {
            Fresh(root);
        }
        var host = await BenchHost.StartAsync(root, runJobServer: false, migrate: true);
        if (!reuse)
        {
            await SeedDirectoryAsync(host.Services);
        }
        var seeded = reuse
            ? (First: 0, Last: 0, Elapsed: TimeSpan.FromSeconds(1))
            : await WithDbAsync(host.Services, db => CaseSeeder.SeedAsync(db, new SeedSettings(count, options.Double("open-fraction", 0.3), DateTimeOffset.UtcNow), Progress));
        var size = new FileInfo(BenchHost.DatabasePath(root)).Length / 1024.0 / 1024.0;
        results.Line($"### Console at {count:N0} cases (in-process EF queries, SQLite)").Line()
            .Line($"- bulk seed: {count:N0} cases + timelines in {seeded.Elapsed.TotalSeconds:F0} s ({count / seeded.Elapsed.TotalSeconds:N0} cases/s), database {size:F0} MB; load average {load()}")
            .Line();
        var (measures, parameters) = await ConsoleQueries.MeasureAsync(
            () => host.Services.CreateScope().ServiceProvider.GetRequiredService<WebTicketingDb>(), options.Int("iterations", 100), Progress);
        results.Line(Latency.Header);
        measures.ForEach(m => results.Line(m.Row()));
        if (options.Get("params-out") is { } paramsOut)
        {
            await File.WriteAllLinesAsync(paramsOut, parameters.Select(p => $"{p.Key}={p.Value}"));
        }
        metrics["console.seed_cases_per_s"] = count / seeded.Elapsed.TotalSeconds;
        foreach (var m in measures)
        {
            metrics[$"console.{m.Name}.p50"] = m.Percentile(50);
            metrics[$"console.{m.Name}.p95"] = m.Percentile(95);
        }
        results.Line().Line($"- load average after: {load()}").Line();
        await results.FlushAsync();
        await BenchHost.StopAsync(host);
        break;
    }
    case "sla":
    {
        var open = options.Int("open", 100_000);
        var dueNow = options.Int("due", 1_000);
        Fresh(root);
        var host = await BenchHost.StartAsync(root, runJobServer: false, migrate: true);
        await SeedDirectoryAsync(host.Services);
        var now = DateTimeOffset.UtcNow;
        await WithDbAsync(host.Services, db => CaseSeeder.SeedAsync(db, new SeedSettings(open, 1.0, now, DueNow: dueNow, FutureOnly: true), Progress));
        results.Line($"### SLA jobs at {open:N0} open cases (Hangfire.Storage.SQLite, in process)").Line();

        var modes = SlaBench.CompareJournalModes(root, options.Int("journal-sample", 200));
        results.Line($"- job store journal mode, {options.Int("journal-sample", 200)} jobs scheduled on a fresh store each: {string.Join("; ", modes.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Mode} {m.MsPerJob:F2} ms/job ({m.CpuMsPerJob:F2} ms CPU)")))}");
        var (cases, jobs, scheduling, schedulingCpu) = await SlaBench.ScheduleAllAsync(host.Services, options.Int("jobs", open), TimeSpan.FromSeconds(options.Double("schedule-budget", 120)));
        Progress($"scheduled {jobs:N0} jobs of {cases:N0} cases in {scheduling.TotalSeconds:F1} s");
        var casesWanted = Math.Min(open - dueNow, options.Int("jobs", open));
        metrics["sla.schedule_ms_per_job"] = scheduling.TotalMilliseconds / jobs;
        metrics["sla.schedule_jobs"] = jobs;
        metrics["sla.schedule_cpu_ms_per_job"] = schedulingCpu.TotalMilliseconds / jobs;
        metrics["sla.schedule_all_s"] = scheduling.TotalSeconds / cases * casesWanted;
        results.Line($"- scheduling: {cases:N0} cases' SLA jobs ({jobs:N0} jobs: warning and due of each pending target) through the app's SlaJobScheduler in {scheduling.TotalSeconds:F1} s ({jobs / scheduling.TotalSeconds:N0} jobs/s, {scheduling.TotalMilliseconds / jobs:F3} ms each, {schedulingCpu.TotalMilliseconds / jobs:F3} ms of it CPU{(cases < casesWanted ? $"; stopped at the time budget, {casesWanted:N0} cases would take ≈ {scheduling.TotalSeconds / cases * casesWanted / 60:F0} min" : "")}); load average {load()}");

        // The first backlog meets code this process has not run yet, as one after a restart does; the next ones meet it
        // warm, as the minute sweep of a running app does. A single run is at the mercy of a noisy minute on a shared
        // VM, so the target reads the median of the backlogs, and every run is reported.
        var sweeps = new List<(int Acted, TimeSpan Total, TimeSpan Cpu)> { await SlaBench.SweepAsync(host.Services) };
        for (var i = 1; i < options.Int("sweeps", 3); i++)
        {
            await SlaBench.MakeBacklogAsync(host.Services, dueNow);
            sweeps.Add(await SlaBench.SweepAsync(host.Services));
        }
        var emptySweep = new Latency("sweep with nothing due");
        for (var i = 0; i < 10; i++)
        {
            emptySweep.Record((await SlaBench.SweepAsync(host.Services)).Total);
        }
        var median = sweeps.OrderBy(s => s.Total).ElementAt(sweeps.Count / 2);
        string Run((int Acted, TimeSpan Total, TimeSpan Cpu) s) => $"{s.Acted:N0} in {s.Total.TotalMilliseconds:F0} ms ({s.Cpu.TotalMilliseconds:F0} ms CPU)";
        Progress($"sweeps: {string.Join("; ", sweeps.Select(Run))}");
        metrics["sla.sweep_empty_ms"] = emptySweep.Percentile(50);
        metrics["sla.sweep_ms"] = median.Total.TotalMilliseconds;
        metrics["sla.sweep_due"] = median.Acted;
        metrics["sla.sweep_cpu_ms"] = median.Cpu.TotalMilliseconds;
        metrics["sla.sweep_first_ms"] = sweeps[0].Total.TotalMilliseconds;
        metrics["sla.sweep_min_ms"] = sweeps.Min(s => s.Total.TotalMilliseconds);
        metrics["sla.sweep_max_ms"] = sweeps.Max(s => s.Total.TotalMilliseconds);
        metrics["sla.sweeps"] = sweeps.Count;
        results.Line($"- sweep (SlaJobs.SweepAsync, the minute job): among {open:N0} open cases, {sweeps.Count} backlogs of {dueNow:N0} cases due at once (timeline entry, escalation, SMS to on-call and supervisors each): {string.Join("; ", sweeps.Select(Run))}; the first in a process that had not run the breach path yet; median **{median.Total.TotalMilliseconds:F0} ms**; with none due p50 {emptySweep.Percentile(50):F2} ms");
        await BenchHost.StopAsync(host);

        // A job server as the apps run it (same registration), with the jobs above still waiting in the store.
        var probes = options.Int("probes", 100);
        host = await BenchHost.StartAsync(root, runJobServer: true, migrate: false);
        var start = DateTimeOffset.UtcNow;
        var random = new Random(3);
        List<int> probeIds;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            probeIds = await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().Cases
                // The last cases: the first ones were the due cases the sweep just breached.
                .Where(c => c.Sla.NextCheckAt > start.AddMinutes(5)).OrderByDescending(c => c.Id).Select(c => c.Id).Take(probes).ToListAsync();
        }
        // The breach SMS the sweep queued are send jobs in front of the probes' jobs: measured on their own first.
        var monitoring = host.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var backlog = monitoring.EnqueuedCount("default");
        var drained = Stopwatch.StartNew();
        while (monitoring.EnqueuedCount("default") + monitoring.ProcessingCount() > 0 && drained.Elapsed < TimeSpan.FromSeconds(180))
        {
            await Task.Delay(200);
        }
        var backlogTime = drained.Elapsed;
        Progress($"job server started; {backlog:N0} queued jobs (the sweep's SMS) done in {backlogTime.TotalSeconds:F1} s; {probeIds.Count} cases made due within 2–12 s");
        start = DateTimeOffset.UtcNow;
        var dueAt = probeIds.ToDictionary(id => id, _ => start + TimeSpan.FromMilliseconds(2_000 + random.Next(10_000)));
        await SlaBench.MakeDueAsync(host.Services, dueAt.Select(d => (d.Key, d.Value)).ToList());
        var waited = Stopwatch.StartNew();
        Dictionary<int, DateTimeOffset> breaches = [];
        while (breaches.Count < probeIds.Count && waited.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(200);
            breaches = await SlaBench.BreachesAsync(host.Services, probeIds, start);
        }
        var lateness = new Latency("due instant → breach processed");
        foreach (var (id, at) in breaches)
        {
            lateness.Record(at - dueAt[id]);
        }
        metrics["sla.lateness_p50_s"] = lateness.Percentile(50) / 1000;
        metrics["sla.lateness_max_s"] = lateness.Max / 1000;
        results.Line($"- due → breach processed: {breaches.Count}/{probeIds.Count} cases made due within 2–12 s had their breach on the timeline late by p50 {lateness.Percentile(50) / 1000:F1} s, p95 {lateness.Percentile(95) / 1000:F1} s, max {lateness.Max / 1000:F1} s (the app's own jobs on a server as registered in Core)")
            .Line($"- job server start: {backlog:N0} queued jobs (mostly the sweep's breach SMS) done in {backlogTime.TotalSeconds:F1} s, before the probes above")
            .Line().Line($"- load average after: {load()}").Line();
        await results.FlushAsync();
        await BenchHost.StopAsync(host);
        break;
    }
    case "open-cases":
    {
        Fresh(root);
        var host = await BenchHost.StartAsync(root, runJobServer: false, migrate: true);
        await SeedDirectoryAsync(host.Services);
        var concurrency = options.Int("concurrency", 8);
        var (opened, opening, withJobs, cpu, latencies) = await SlaBench.OpenCasesAsync(host.Services, concurrency, TimeSpan.FromSeconds(options.Double("duration", 15)));
        metrics["open.cases_per_s"] = opened / withJobs.TotalSeconds;
        metrics["open.p99_ms"] = latencies[0].Percentile(99);
        results.Line($"### Cases opened in process (CaseWorkflow.OpenAsync, SLA jobs included), {concurrency} callers").Line()
            .Line($"- {opened:N0} cases opened in {opening.TotalSeconds:F1} s, their SLA jobs all in the job store {withJobs.TotalSeconds:F1} s after the start = **{opened / withJobs.TotalSeconds:F0} cases/s**, {cpu.TotalMilliseconds / Math.Max(1, opened):F2} ms CPU per case in this process; load average {load()}").Line()
            .Line(Latency.Header);
        latencies.ToList().ForEach(l => results.Line(l.Row()));
        results.Line();
        await results.FlushAsync();
        await BenchHost.StopAsync(host);
        break;
    }
    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        return 2;
}
if (options.Get("json") is { } jsonPath)
{
    await File.WriteAllTextAsync(jsonPath, System.Text.Json.JsonSerializer.Serialize(metrics, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
}
return 0;

async Task<IReadOnlyList<string>> SeedDirectoryAsync(IServiceProvider services) =>
    await WithDbAsync(services, db => DirectorySeeder.SeedAsync(db, options.Int("organizations", 200), options.Int("sites", 3), options.Int("equipment", 4)));

static async Task<T> WithDbAsync<T>(IServiceProvider services, Func<WebTicketingDb, Task<T>> work)
{
    await using var scope = services.CreateAsyncScope();
    return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
}

static void Fresh(string root)
{
    if (System.IO.Directory.Exists(root))
    {
        System.IO.Directory.Delete(root, recursive: true);
    }
    System.IO.Directory.CreateDirectory(root);
}
