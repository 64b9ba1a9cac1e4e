using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Bench.Data;
using WebTicketing.Bench.LoadGen;
using WebTicketing.Core.Data;

// Data-side benchmarks, in process on Core as the apps register it. Commands:
//   directory   seeds the bench directory into a database (an app's, while it runs) and writes its maintenance codes
//   console     fresh database, directory, N cases bulk-seeded, then the console's list and detail queries
//   sla         fresh database with N open cases: schedule their jobs, sweep, lateness of due jobs on a running server
//   open-cases  cases opened through CaseWorkflow with their SLA job scheduled, by several callers at once
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
        var (jobs, scheduling, schedulingCpu) = await SlaBench.ScheduleAllAsync(host.Services, options.Int("jobs", open), TimeSpan.FromSeconds(options.Double("schedule-budget", 120)));
        Progress($"scheduled {jobs:N0} jobs in {scheduling.TotalSeconds:F1} s");
        metrics["sla.schedule_ms_per_job"] = scheduling.TotalMilliseconds / jobs;
        metrics["sla.schedule_jobs"] = jobs;
        metrics["sla.schedule_cpu_ms_per_job"] = schedulingCpu.TotalMilliseconds / jobs;
        results.Line($"- scheduling: {jobs:N0} jobs via IBackgroundJobClient.Schedule in {scheduling.TotalSeconds:F1} s ({jobs / scheduling.TotalSeconds:N0} jobs/s, {scheduling.TotalMilliseconds / jobs:F2} ms each, {schedulingCpu.TotalMilliseconds / jobs:F2} ms of it CPU{(jobs < options.Int("jobs", open) ? $"; stopped at the time budget, {open:N0} would take ≈ {scheduling.TotalSeconds / jobs * open / 60:F0} min" : "")}); load average {load()}");

        var emptySweep = new Latency("sweep with nothing due (query only)");
        for (var i = 0; i < 10; i++)
        {
            var (_, q, _, _) = await SlaBench.SweepAsync(host.Services, now - TimeSpan.FromDays(30));
            emptySweep.Record(q);
        }
        var (breached, query, total, sweepCpu) = await SlaBench.SweepAsync(host.Services, DateTimeOffset.UtcNow);
        metrics["sla.sweep_empty_ms"] = emptySweep.Percentile(50);
        metrics["sla.sweep_ms"] = total.TotalMilliseconds;
        metrics["sla.sweep_due"] = breached;
        metrics["sla.sweep_cpu_ms"] = sweepCpu.TotalMilliseconds;
        results.Line($"- sweep: finding due cases among {open:N0} open takes p50 {emptySweep.Percentile(50):F2} ms when none is due; with {breached:N0} due: query {query.TotalMilliseconds:F0} ms, whole sweep (breach flag + timeline event each) {total.TotalMilliseconds:F0} ms, {sweepCpu.TotalMilliseconds:F0} ms of it CPU");
        await BenchHost.StopAsync(host);

        // A job server as the apps run it (same registration), with the jobs above still waiting in the store.
        var probes = options.Int("probes", 100);
        var lateness = new Latency("due instant → job ran");
        SlaProbe.Reset(lateness);
        host = await BenchHost.StartAsync(root, runJobServer: true, migrate: false);
        var scheduler = host.Services.GetRequiredService<Hangfire.IBackgroundJobClient>();
        var start = DateTimeOffset.UtcNow;
        var random = new Random(3);
        for (var i = 0; i < probes; i++)
        {
            var due = start + TimeSpan.FromMilliseconds(2_000 + random.Next(10_000));
            Hangfire.BackgroundJobClientExtensions.Schedule<SlaProbe>(scheduler, p => p.ProbeAsync(1 + i, due.UtcTicks), due);
        }
        var waited = Stopwatch.StartNew();
        while (SlaProbe.Ran < probes && waited.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(200);
        }
        metrics["sla.lateness_p50_s"] = lateness.Percentile(50) / 1000;
        metrics["sla.lateness_max_s"] = lateness.Max / 1000;
        results.Line($"- due → processed: {SlaProbe.Ran}/{probes} jobs due within 2–12 s ran late by p50 {lateness.Percentile(50) / 1000:F1} s, p95 {lateness.Percentile(95) / 1000:F1} s, max {lateness.Max / 1000:F1} s (SchedulePollingInterval 5 s, QueuePollInterval 1 s as registered in Core)")
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
        var (opened, elapsed, cpu, latencies) = await SlaBench.OpenCasesAsync(host.Services, concurrency, TimeSpan.FromSeconds(options.Double("duration", 15)));
        metrics["open.cases_per_s"] = opened / elapsed.TotalSeconds;
        metrics["open.p99_ms"] = latencies[0].Percentile(99);
        results.Line($"### Cases opened in process (CaseWorkflow.OpenAsync + SLA job scheduled), {concurrency} callers").Line()
            .Line($"- {opened:N0} cases in {elapsed.TotalSeconds:F1} s = **{opened / elapsed.TotalSeconds:F0} cases/s**, {cpu.TotalMilliseconds / Math.Max(1, opened):F1} ms CPU per case in this process; load average {load()}").Line()
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
