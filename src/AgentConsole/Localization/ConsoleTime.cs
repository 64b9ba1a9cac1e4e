using System.Globalization;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Data;

namespace WebTicketing.AgentConsole.Localization;

/// <summary>
/// Instants are stored in UTC; people read them in a zone. A case's times are shown in the zone of its site's region
/// (its business calendar's, the one its SLA runs on), other times in the user's zone: their saved preference, else the
/// zone the browser reports (a cookie site.js sets), else UTC. Always with the offset ("UTC+1"), so a Madrid agent
/// reading a Mexico case knows whose clock it is.
/// </summary>
public sealed class ConsoleTime(WebTicketingDb db, CurrentUser user, IHttpContextAccessor accessor)
{
    /// <summary>Set by site.js to the browser's IANA zone (Intl.DateTimeFormat().resolvedOptions().timeZone).</summary>
    public const string BrowserZoneCookie = "wt-tz";

    private Dictionary<int, TimeZoneInfo>? regionZones;

    /// <summary>The user's zone: their preference, else their browser's, else UTC.</summary>
    public TimeZoneInfo UserZone => Find(user.TimeZone) ?? Find(accessor.HttpContext?.Request.Cookies[BrowserZoneCookie]) ?? TimeZoneInfo.Utc;

    public async Task<TimeZoneInfo> RegionZoneAsync(int regionId)
    {
        // Regions are few and their calendars are JSON: one read per request, all of them.
        regionZones ??= (await db.Regions.AsNoTracking().ToListAsync())
            .ToDictionary(r => r.Id, r => Find(r.TimeZone) ?? TimeZoneInfo.Utc);
        return regionZones.GetValueOrDefault(regionId, TimeZoneInfo.Utc);
    }

    /// <summary>The zones a login can save: every region's, and UTC.</summary>
    public async Task<IReadOnlyList<string>> ChoicesAsync()
    {
        await RegionZoneAsync(0);
        return regionZones!.Values.Select(z => z.Id).Append(TimeZoneInfo.Utc.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A case's instant in its region's zone; empty for none.</summary>
    public async Task<string> CaseAsync(DateTimeOffset? at, int regionId) =>
        at is { } instant ? Text(instant, await RegionZoneAsync(regionId)) : "";

    /// <summary>An instant in the user's zone; empty for none.</summary>
    public string User(DateTimeOffset? at) => at is { } instant ? Text(instant, UserZone) : "";

    /// <summary>"25/11/2026 8:05 UTC+1": the local time in the current culture and the zone's offset at that instant.</summary>
    public static string Text(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return $"{local.ToString("g", CultureInfo.CurrentCulture)} {Offset(local.Offset)}";
    }

    public static string Offset(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero)
        {
            return "UTC";
        }
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{abs.Hours}")
            : string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{abs.Hours}:{abs.Minutes:D2}");
    }

    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
