using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace WebTicketing.Core.Sla;

/// <summary>
/// Working-time arithmetic in one region's calendar. Working time passes only while the local wall clock of
/// <see cref="BusinessCalendarOptions.TimeZone"/> is inside a range of a day that is not a holiday.
/// </summary>
/// <remarks>
/// Rules at the edges, all tested:
/// <list type="bullet">
/// <item>Ranges are half-open, [opening, closing): a start exactly at closing time counts from the next opening; a start
/// exactly at opening counts from there.</item>
/// <item><see cref="AddWorkingTime"/> with zero working time returns the start itself when it is inside a range and the
/// next opening when it is not (the moment someone could first act). Work that ends exactly at a closing time is due
/// at that closing time, not at the next opening.</item>
/// <item>A range that meets a DST change opens at the first instant its wall-clock start is reached (a start inside
/// the skipped hour opens when the clock jumps) and closes at the last instant its end is reached (a repeated hour
/// counts twice), so a 00:00-24:00 calendar has 23 h and 25 h days.</item>
/// <item>Results are UTC instants; inputs may carry any offset.</item>
/// </list>
/// Each local day's ranges are converted to UTC once and cached, so the arithmetic walks days, never minutes.
/// </remarks>
public sealed class BusinessCalendar
{
    private readonly TimeZoneInfo zone;
    private readonly WorkingRange[][] week = new WorkingRange[7][];
    private readonly HashSet<DateOnly> holidays = [];
    private readonly ConcurrentDictionary<DateOnly, Interval[]> days = new();

    public BusinessCalendar(BusinessCalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(nameof(BusinessCalendarOptions), typeof(BusinessCalendarOptions), problems);
        }
        zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var byDay = Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => new List<WorkingRange>());
        foreach (var (dayName, ranges) in options.Hours)
        {
            BusinessCalendarOptions.TryParseDay(dayName, out var day);
            foreach (var text in ranges)
            {
                BusinessCalendarOptions.TryParseRange(text, out var range);
                byDay[day].Add(range);
            }
        }
        foreach (var (day, ranges) in byDay)
        {
            week[(int)day] = Merge(ranges);
        }
        foreach (var text in options.Holidays)
        {
            BusinessCalendarOptions.TryParseHoliday(text, out var date);
            holidays.Add(date);
        }
    }

    public TimeZoneInfo TimeZone => zone;

    /// <summary>The instant at which <paramref name="workingTime"/> of working time has elapsed since <paramref name="start"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan workingTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingTime, TimeSpan.Zero);
        var cursor = start.UtcTicks;
        var remaining = workingTime.Ticks;
        // The day before too: a range of the previous local day may still be open at the start instant.
        for (var date = LocalDate(start).AddDays(-1); ; date = date.AddDays(1))
        {
            foreach (var interval in IntervalsOn(date))
            {
                if (interval.End <= cursor)
                {
                    continue;
                }
                var from = Math.Max(interval.Start, cursor);
                var available = interval.End - from;
                if (remaining <= available)
                {
                    return new DateTimeOffset(from + remaining, TimeSpan.Zero);
                }
                remaining -= available;
                cursor = interval.End;
            }
        }
    }

    /// <summary>Working time inside [<paramref name="from"/>, <paramref name="to"/>); negative when <paramref name="to"/> is earlier.</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -WorkingTimeBetween(to, from);
        }
        long total = 0;
        long start = from.UtcTicks, end = to.UtcTicks;
        var last = LocalDate(to).AddDays(1);
        for (var date = LocalDate(from).AddDays(-1); date <= last; date = date.AddDays(1))
        {
            foreach (var interval in IntervalsOn(date))
            {
                var overlap = Math.Min(interval.End, end) - Math.Max(interval.Start, start);
                if (overlap > 0)
                {
                    total += overlap;
                }
            }
        }
        return TimeSpan.FromTicks(total);
    }

    /// <summary>Whether working time is passing at that instant.</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        var date = LocalDate(instant);
        return IntervalsOn(date.AddDays(-1)).Concat(IntervalsOn(date)).Any(i => i.Start <= ticks && ticks < i.End);
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    private Interval[] IntervalsOn(DateOnly date) => days.GetOrAdd(date, ComputeIntervals);

    private Interval[] ComputeIntervals(DateOnly date)
    {
        if (holidays.Contains(date))
        {
            return [];
        }
        var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var intervals = new List<Interval>();
        foreach (var range in week[(int)date.DayOfWeek])
        {
            var start = Instant(midnight + range.Start, first: true);
            var end = Instant(midnight + range.End, first: false);
            if (end <= start)
            {
                continue;
            }
            // A repeated hour can make a closing instant pass the next range's opening: keep intervals disjoint.
            if (intervals.Count > 0 && start <= intervals[^1].End)
            {
                intervals[^1] = intervals[^1] with { End = Math.Max(intervals[^1].End, end) };
            }
            else
            {
                intervals.Add(new Interval(start, end));
            }
        }
        return [.. intervals];
    }

    /// <summary>
    /// UTC ticks of the first (or last) instant the wall clock reads <paramref name="local"/>; inside a skipped hour,
    /// the instant the clock jumps over it.
    /// </summary>
    private long Instant(DateTime local, bool first)
    {
        if (zone.IsInvalidTime(local))
        {
            return AfterGap(local);
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return (local - (first ? offsets.Max() : offsets.Min())).Ticks;
        }
        return (local - zone.GetUtcOffset(local)).Ticks;
    }

    /// <summary>The instant the clock jumped over a skipped wall-clock time: the first valid minute after it.</summary>
    private long AfterGap(DateTime local)
    {
        // Gaps are whole minutes and at most a couple of hours; this runs only for ranges touching a skipped hour.
        var probe = new DateTime(local.Ticks - local.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(probe))
        {
            probe = probe.AddMinutes(1);
        }
        return (probe - zone.GetUtcOffset(probe)).Ticks;
    }

    private static WorkingRange[] Merge(List<WorkingRange> ranges)
    {
        var merged = new List<WorkingRange>();
        foreach (var range in ranges.OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                merged[^1] = merged[^1] with { End = range.End > merged[^1].End ? range.End : merged[^1].End };
            }
            else
            {
                merged.Add(range);
            }
        }
        return [.. merged];
    }

    private readonly record struct Interval(long Start, long End);
}
