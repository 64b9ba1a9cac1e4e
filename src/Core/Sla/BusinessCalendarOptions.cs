using System.Globalization;

namespace WebTicketing.Core.Sla;

/// <summary>
/// Working hours of a region as people write them: an IANA time zone, ranges per English day name, and holidays.
/// Binds from configuration and from the directory file's region calendars.
/// </summary>
public sealed class BusinessCalendarOptions
{
    public string TimeZone { get; set; } = "UTC";

    /// <summary>"Monday" → ["09:00-14:00", "16:00-19:00"]; a day that is missing is closed.</summary>
    public Dictionary<string, List<string>> Hours { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>ISO dates, <c>yyyy-MM-dd</c>, in the calendar's own time zone.</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>
    /// Every problem with these options, each message starting with the field it is about
    /// (<c>Hours.Monday[1]: '18:00-09:00' ends before it starts</c>). Empty when the options are valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();

        if (string.IsNullOrWhiteSpace(TimeZone))
            problems.Add("TimeZone: required (an IANA id such as 'Europe/Madrid')");
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
            problems.Add($"TimeZone: unknown time zone '{TimeZone}'");

        // Overlaps are checked per day of the week, so "Monday" and "monday" in a case-sensitive dictionary still meet.
        var parsedByDay = new Dictionary<DayOfWeek, List<(string Text, WorkingRange Range)>>();
        foreach (var (dayName, ranges) in Hours ?? [])
        {
            if (!TryParseDay(dayName, out var day))
            {
                problems.Add($"Hours.{dayName}: not a day of the week");
                continue;
            }
            var parsed = parsedByDay.TryGetValue(day, out var list) ? list : parsedByDay[day] = [];
            for (var i = 0; i < (ranges?.Count ?? 0); i++)
            {
                var text = ranges![i];
                var field = $"Hours.{dayName}[{i}]";
                switch (TryParseRange(text, out var range))
                {
                    case RangeParse.Ok:
                        parsed.Add((text, range));
                        break;
                    case RangeParse.Malformed:
                        problems.Add($"{field}: '{text}' is not HH:mm-HH:mm (24-hour clock, 24:00 allowed as an end)");
                        break;
                    case RangeParse.EndsBeforeStart:
                        problems.Add($"{field}: '{text}' ends before it starts");
                        break;
                    case RangeParse.Empty:
                        problems.Add($"{field}: '{text}' is empty (starts and ends at the same time)");
                        break;
                }
            }
        }
        foreach (var (day, parsed) in parsedByDay)
        {
            var ordered = parsed.OrderBy(p => p.Range.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                // Ranges may touch (09:00-14:00, 14:00-15:00) but not share any minute.
                if (ordered[i].Range.Start < ordered[i - 1].Range.End)
                    problems.Add($"Hours.{day}: '{ordered[i - 1].Text}' overlaps '{ordered[i].Text}'");
            }
        }

        if (Hours is null || Hours.Values.All(ranges => ranges is null || ranges.Count == 0))
        {
            // No working time at all would make every business-day target unreachable.
            problems.Add("Hours: no working hours on any day");
        }

        for (var i = 0; i < (Holidays?.Count ?? 0); i++)
        {
            var text = Holidays![i];
            if (!TryParseHoliday(text, out _))
                problems.Add($"Holidays[{i}]: '{text}' is not a yyyy-MM-dd date");
        }

        return problems;
    }

    internal static bool TryParseDay(string? name, out DayOfWeek day)
    {
        day = default;
        // Enum.TryParse would also take "1" or "Monday, Tuesday"; only a plain English day name is a day.
        return !string.IsNullOrWhiteSpace(name)
            && name.All(char.IsAsciiLetter)
            && Enum.TryParse(name, ignoreCase: true, out day);
    }

    internal static bool TryParseHoliday(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    internal enum RangeParse { Ok, Malformed, EndsBeforeStart, Empty }

    internal static RangeParse TryParseRange(string? text, out WorkingRange range)
    {
        range = default;
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 }
            || !TryParseClock(parts[0], allowMidnightEnd: false, out var start)
            || !TryParseClock(parts[1], allowMidnightEnd: true, out var end))
            return RangeParse.Malformed;
        if (end < start) return RangeParse.EndsBeforeStart;
        if (end == start) return RangeParse.Empty;
        range = new WorkingRange(start, end);
        return RangeParse.Ok;
    }

    private static bool TryParseClock(string text, bool allowMidnightEnd, out TimeSpan time)
    {
        time = default;
        if (allowMidnightEnd && text == "24:00")
        {
            time = TimeSpan.FromHours(24);
            return true;
        }
        if (text.Length != 5 || !TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
            return false;
        time = clock.ToTimeSpan();
        return true;
    }
}

/// <summary>A working range within one local day, as offsets from local midnight (End may be 24:00).</summary>
internal readonly record struct WorkingRange(TimeSpan Start, TimeSpan End);
