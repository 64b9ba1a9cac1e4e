using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WebTicketing.Bench.LoadGen;

/// <summary>The issue's targets next to this run's numbers, read from the JSON files the suite's steps wrote.</summary>
public static class Targets
{
    public static async Task<int> RunAsync(Options options)
    {
        var dir = options.Require("dir");
        double? Read(string file, params string[] path)
        {
            var full = Path.Combine(dir, file);
            if (!File.Exists(full))
            {
                return null;
            }
            using var json = JsonDocument.Parse(File.ReadAllText(full));
            var element = json.RootElement;
            foreach (var name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }
            return element.ValueKind == JsonValueKind.Number ? element.GetDouble() : null;
        }

        var insert = Read("wrk-insert-c32.json", "rps");
        var insertCpu = Read("wrk-insert-c32.json", "cpu_ms_per_req");
        var replayCpu = Read("wrk-replay-c32.json", "cpu_ms_per_req");
        var replay = Read("wrk-replay-c32.json", "rps");
        // Measurements repeated in the run (BENCH_REPEAT): the first file and its numbered repeats, read as a median.
        List<double> Runs(string first, params string[] path) =>
            Directory.EnumerateFiles(dir, Path.GetFileNameWithoutExtension(first) + "-*.json")
                .Select(repeat => Path.GetFileName(repeat)).Order(StringComparer.Ordinal).Prepend(first)
                .Select(file => Read(file, path)).OfType<double>().ToList();
        var replay100P99Runs = Runs("wrk-replay-c100.json", "p99_ms");
        var replay100P99 = Median(replay100P99Runs);
        var openedRuns = Runs("open.json", "open.cases_per_s");
        var opened = Median(openedRuns);
        var firstPage = Read("console.json", "console.first page: open cases, all groups (supervisor).p95");
        var detail = Read("console.json", "console.case detail by number (with timeline).p95");
        var httpFirst = Read("console-http.json", "first page (open cases)", "p95");
        var httpDetail = Read("console-http.json", "case detail", "p95");
        var sweep = Read("sla.json", "sla.sweep_ms");
        var sweepDue = Read("sla.json", "sla.sweep_due");
        var sweepEmpty = Read("sla.json", "sla.sweep_empty_ms");
        var sweepCpu = Read("sla.json", "sla.sweep_cpu_ms");
        var sweepFirst = Read("sla.json", "sla.sweep_first_ms");
        var sweepMin = Read("sla.json", "sla.sweep_min_ms");
        var sweepMax = Read("sla.json", "sla.sweep_max_ms");
        var sweeps = Read("sla.json", "sla.sweeps");
        var rss = new[] { Read("ivr-rss.json", "vmhwm_mb"), Read("ivr-c8.json", "PeakRssMb"), Read("ivr-c100.json", "PeakRssMb") }.Max();
        var rssFirstStart = new[] { Read("ivr-rss-first-start.json", "vmhwm_mb"), Read("ivr-first-start.json", "PeakRssMb") }.Max();
        var rssServerGc = Read("ivr-server-gc.json", "PeakRssMb");

        var c = CultureInfo.InvariantCulture;
        string F(double? v, string format, string unit = "") => v is { } x ? x.ToString(format, c) + unit : "not measured";
        string Each(List<double> runs, string format, string unit) =>
            runs.Count > 1 ? $"median of {runs.Count} runs: {string.Join(", ", runs.Select(r => r.ToString(format, c) + unit))}" : "one run";
        string Verdict(bool? ok) => ok switch { true => "met", false => "**missed**", null => "—" };
        // The issue set its absolute targets beside baseline (b) measured at 19.6k req/s on its machine. This VM's speed
        // drifts by a third from hour to hour, in code no change touched, so each time-bound number is also read at
        // the issue's speed: scaled by this run's (b), as the issue's own baselines are meant to be read.
        var speed = insert / IssueBaselineB;
        string Scaled(double? value, bool higherIsBetter, double target, string format, string unit)
        {
            var scaled = higherIsBetter ? value / speed : value * speed;
            return scaled is null ? "—" : $"{scaled.Value.ToString(format, c)}{unit}: {Verdict(higherIsBetter ? scaled >= target : scaled <= target)}";
        }
        var md = new StringBuilder($"| target | this run | verdict | at the issue's speed (this run's (b) {F(insert, "F0", " req/s")} = {F(speed * 100, "F0", " %")} of its 19.6k) |\n| --- | --- | --- | --- |\n");
        var ratio = replay / insert;
        var cpuRatio = insertCpu / replayCpu;
        md.AppendLine(c, $"| signed IVR step reading and writing its call session ≥ 50 % of baseline (b) | {F(replay, "F0", " req/s")} vs (b) {F(insert, "F0", " req/s")} = {F(ratio * 100, "F0", " %")} (wrk, 32 connections); by server CPU per request {F(replayCpu, "F2", " ms")} vs {F(insertCpu, "F3", " ms")} = {F(cpuRatio * 100, "F1", " %")} | {Verdict(ratio >= 0.5)} | a ratio already |");
        md.AppendLine(c, $"| p99 ≤ 20 ms at 100 connections replaying call steps | {F(replay100P99, "F1", " ms")} ({Each(replay100P99Runs, "F1", " ms")}) | {Verdict(replay100P99 <= 20)} | {Scaled(replay100P99, false, 20, "F1", " ms")} |");
        md.AppendLine(c, $"| ≥ 300 cases opened per second including their SLA jobs | {F(opened, "F0", " cases/s")} (in process, CaseWorkflow + Hangfire; {Each(openedRuns, "F0", "/s")}) | {Verdict(opened >= 300)} | {Scaled(opened, true, 300, "F0", " cases/s")} |");
        md.AppendLine(c, $"| console first page p95 ≤ 50 ms at 1M cases | queries {F(firstPage, "F1", " ms")}; HTTP {F(httpFirst, "F1", " ms")} | {Verdict(Max(firstPage, httpFirst) <= 50)} | {Scaled(Max(firstPage, httpFirst), false, 50, "F1", " ms")} |");
        md.AppendLine(c, $"| console case detail p95 ≤ 50 ms at 1M cases | queries {F(detail, "F1", " ms")}; HTTP {F(httpDetail, "F1", " ms")} | {Verdict(Max(detail, httpDetail) <= 50)} | {Scaled(Max(detail, httpDetail), false, 50, "F1", " ms")} |");
        md.AppendLine(c, $"| SLA sweep ≤ 1 s at 100k open cases | {F(sweep, "F0", " ms")} ({F(sweepCpu, "F0", " ms")} CPU) with {F(sweepDue, "F0")} due at once, median of {F(sweeps, "F0")} backlogs ({F(sweepMin, "F0")}–{F(sweepMax, "F0", " ms")}; the first, in a process that had not run the breach path yet: {F(sweepFirst, "F0", " ms")}); {F(sweepEmpty, "F1", " ms")} with none due | {Verdict(sweep <= 1000)} | {Scaled(sweep, false, 1000, "F0", " ms")} |");
        md.AppendLine(c, $"| IvrWebhooks peak RSS ≤ 200 MB under load | {F(rss, "F0", " MB")} (VmHWM after the step replay and both caller runs, started on an existing database, the app's own GC settings); {F(rssFirstStart, "F0", " MB")} on its first start, creating the database (replay at 100 connections, 100 callers); {F(rssServerGc, "F0", " MB")} with server GC forced (DOTNET_gcServer=1) on a fresh process running only the 100 callers, so not the same load | {Verdict(Max(rss, rssFirstStart) <= 200)} | not time-bound |");
        Console.Write(md);
        if (options.Get("markdown") is { } path)
        {
            await File.AppendAllTextAsync(path, md.ToString());
        }
        return 0;
    }

    /// <summary>Baseline (b) as the issue measured it on its machine, req/s at 32 connections.</summary>
    private const double IssueBaselineB = 19_600;

    private static double? Median(List<double> runs)
    {
        var sorted = runs.Order().ToList();
        return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
