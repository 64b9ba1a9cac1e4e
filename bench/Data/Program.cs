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
        Fresh(root);
        var host = await BenchHost.StartAsync(root, runJobServer: false, migrate: true);
        await SeedDirectoryAsync(host.Services);
        var seeded = await WithDbAsync(host.Services, db => CaseSeeder.SeedAsync(db, new SeedSettings(count, options.Double("open-fraction", 0.3), DateTimeOffset.UtcNow), Progress));
        var size = new FileInfo(BenchHost.DatabasePath(root)).Length / 1024.0 / 1024.0;
        results.Line($"### Console at {count:N0} cases (in-process EF queries, SQLite)").Line()
            .Line($"- bulk seed: {count:N0} cases + timelines in {seeded.Elapsed.TotalSeconds:F0} s ({count / seeded.Elapsed.TotalSeconds:N0} cases/s), database {size:F0} MB; load average {load()}")
            .Line();
        var measures = await ConsoleQueries.MeasureAsync(
            () => host.Services.CreateScope().ServiceProvider.GetRequiredService<WebTicketingDb>(), options.Int("iterations", 100), Progress);
        results.Line(Latency.Header);
        measures.ForEach(m => results.Line(m.Row()));
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

        var modes = SlaBench.CompareJournalModes(root, options.Int("journal-sample", 300));
        results.Line($"- job store journal mode, {options.Int("journal-sample", 300)} jobs scheduled on a fresh store each: {string.Join("; ", modes.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Mode} {m.MsPerJob:F2} ms/job")))}");
        var (jobs, scheduling) = await SlaBench.ScheduleAllAsync(host.Services, options.Int("jobs", open));
        Progress($"scheduled {jobs:N0} jobs in {scheduling.TotalSeconds:F1} s");
        results.Line($"- scheduling: {jobs:N0} jobs via IBackgroundJobClient.Schedule in {scheduling.TotalSeconds:F1} s ({jobs / scheduling.TotalSeconds:N0} jobs/s, {scheduling.TotalMilliseconds / jobs:F2} ms each); load average {load()}");

        var emptySweep = new Latency("sweep with nothing due (query only)");
        for (var i = 0; i < 10; i++)
        {
            var (_, q, _) = await SlaBench.SweepAsync(host.Services, now - TimeSpan.FromDays(30));
            emptySweep.Record(q);
        }
        var (breached, query, total) = await SlaBench.SweepAsync(host.Services, DateTimeOffset.UtcNow);
        results.Line($"- sweep: finding due cases among {open:N0} open takes p50 {emptySweep.Percentile(50):F2} ms when none is due; with {breached:N0} due: query {query.TotalMilliseconds:F0} ms, whole sweep (breach flag + timeline event each) {total.TotalMilliseconds:F0} ms");
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
        while (SlaProbe.Ran < probes && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }
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
        var (opened, elapsed, latency) = await SlaBench.OpenCasesAsync(host.Services, concurrency, TimeSpan.FromSeconds(options.Double("duration", 15)));
        results.Line($"### Cases opened in process (CaseWorkflow.OpenAsync + SLA job scheduled), {concurrency} callers").Line()
            .Line($"- {opened:N0} cases in {elapsed.TotalSeconds:F1} s = **{opened / elapsed.TotalSeconds:F0} cases/s**; load average {load()}").Line()
            .Line(Latency.Header).Line(latency.Row()).Line();
        await results.FlushAsync();
        await BenchHost.StopAsync(host);
        break;
    }
    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        return 2;
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
