using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HdrHistogram;

namespace WebTicketing.Bench.LoadGen;

/// <summary>Latency per webhook step in HdrHistogram (microseconds), plus counts; only what happens after the warm-up is kept.</summary>
public sealed class Stats
{
    private const long MaxMicroseconds = 60_000_000;
    private readonly ConcurrentDictionary<string, StepStats> steps = new();
    private readonly ConcurrentDictionary<string, int> errors = new();
    private readonly ConcurrentDictionary<string, int> calls = new();
    private readonly ConcurrentDictionary<string, byte> casesOpened = new();
    private volatile bool recording;

    public void Start() => recording = true;

    public void Stop() => recording = false;

    public bool Recording => recording;

    public void Step(string step, long microseconds, bool ok)
    {
        if (!recording)
        {
            return;
        }
        var stats = steps.GetOrAdd(step, _ => new StepStats());
        lock (stats)
        {
            stats.Histogram.RecordValue(Math.Clamp(microseconds, 1, MaxMicroseconds));
            if (!ok)
            {
                stats.Failures++;
            }
        }
    }

    public void Error(string what)
    {
        if (recording)
        {
            errors.AddOrUpdate(what, 1, (_, n) => n + 1);
        }
    }

    public void CallEnded(string scenarioOutcome)
    {
        if (recording)
        {
            calls.AddOrUpdate(scenarioOutcome, 1, (_, n) => n + 1);
        }
    }

    public void CaseOpened(string number)
    {
        if (recording)
        {
            casesOpened.TryAdd(number, 0);
        }
    }

    public int ErrorCount => errors.Values.Sum();

    public Report Summarise(TimeSpan elapsed)
    {
        var all = new LongHistogram(MaxMicroseconds, 3);
        var rows = new List<StepRow>();
        foreach (var (name, stats) in steps.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            lock (stats)
            {
                all.Add(stats.Histogram);
                rows.Add(StepRow.From(name, stats.Histogram, stats.Failures, elapsed));
            }
        }
        var total = StepRow.From("all steps", all, rows.Sum(r => r.Failures), elapsed);
        return new Report(elapsed, total, rows, new SortedDictionary<string, int>(errors), new SortedDictionary<string, int>(calls),
            casesOpened.Count, casesOpened.Count / elapsed.TotalSeconds);
    }

    private sealed class StepStats
    {
        public LongHistogram Histogram { get; } = new(MaxMicroseconds, 3);
        public int Failures { get; set; }
    }
}

public sealed record StepRow(string Step, long Count, double PerSecond, double P50, double P90, double P99, double Max, int Failures)
{
    public static StepRow From(string step, LongHistogram histogram, int failures, TimeSpan elapsed) =>
        histogram.TotalCount == 0
            ? new StepRow(step, 0, 0, 0, 0, 0, 0, failures)
            : new StepRow(step, histogram.TotalCount, histogram.TotalCount / elapsed.TotalSeconds,
                Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(90)),
                Ms(histogram.GetValueAtPercentile(99)), Ms(histogram.GetMaxValue()), failures);

    private static double Ms(long microseconds) => microseconds / 1000.0;
}

public sealed record Report(
    TimeSpan Elapsed, StepRow Total, IReadOnlyList<StepRow> Steps, IReadOnlyDictionary<string, int> Errors,
    IReadOnlyDictionary<string, int> Calls, int CasesOpened, double CasesPerSecond)
{
    public string ToMarkdown(string title, IEnumerable<(string Name, string Value)> extra)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"### {title}").AppendLine();
        md.AppendLine("| step | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in Steps.Append(Total))
        {
            md.AppendLine(c, $"| {row.Step} | {row.Count} | {row.PerSecond:F0} | {row.P50:F2} | {row.P90:F2} | {row.P99:F2} | {row.Max:F1} | {row.Failures} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"- measured for {Elapsed.TotalSeconds:F0} s; calls: {Describe(Calls)}");
        md.AppendLine(c, $"- cases opened: {CasesOpened} ({CasesPerSecond:F1}/s)");
        md.AppendLine(c, $"- errors: {(Errors.Count == 0 ? "none" : Describe(Errors))}");
        foreach (var (name, value) in extra)
        {
            md.AppendLine(c, $"- {name}: {value}");
        }
        return md.AppendLine().ToString();
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));
}
