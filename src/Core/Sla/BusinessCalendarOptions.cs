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
}
