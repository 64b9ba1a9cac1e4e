using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;

namespace WebTicketing.Bench.Data;

/// <summary>Timings of one measured operation in HdrHistogram (microseconds), printed as milliseconds.</summary>
public sealed class Latency(string name)
{
    private readonly LongHistogram histogram = new(600_000_000, 3);

    public string Name { get; } = name;
    public long Count => histogram.TotalCount;

    public void Record(TimeSpan elapsed)
    {
        lock (histogram)
        {
            histogram.RecordValue(Math.Clamp((long)elapsed.TotalMicroseconds, 1, 600_000_000));
        }
    }

    public async Task<T> TimeAsync<T>(Func<Task<T>> work)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await work();
        Record(Stopwatch.GetElapsedTime(started));
        return result;
    }

    public double Percentile(double p) => histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(p) / 1000.0;
    public double Max => histogram.TotalCount == 0 ? 0 : histogram.GetMaxValue() / 1000.0;

    public const string Header = "| what | n | p50 ms | p95 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |";

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Count} | {Percentile(50):F2} | {Percentile(95):F2} | {Percentile(99):F2} | {Max:F1} |");
}

/// <summary>Markdown written to the console and appended to the results file run.sh assembles.</summary>
public sealed class Results(string? path)
{
    private readonly StringBuilder text = new();

    public Results Line(string line = "")
    {
        text.AppendLine(line);
        return this;
    }

    public Results Line(FormattableString line) => Line(line.ToString(CultureInfo.InvariantCulture));

    public async Task FlushAsync()
    {
        Console.Write(text.ToString());
        if (path is not null)
        {
            await File.AppendAllTextAsync(path, text.ToString());
        }
        text.Clear();
    }
}
