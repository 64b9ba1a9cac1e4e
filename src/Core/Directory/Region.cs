using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Directory;

/// <summary>A geographic area with its own time zone and working hours: the unit of the regional view and of business-day SLAs.</summary>
public sealed class Region
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required BusinessCalendarOptions Calendar { get; set; }

    public string TimeZone => Calendar.TimeZone;
}
