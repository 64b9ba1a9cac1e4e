using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Tests.Sla;

public sealed class BusinessCalendarOptionsTests
{
    private static BusinessCalendarOptions Madrid() => new()
    {
        TimeZone = "Europe/Madrid",
        Hours = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Monday"] = ["09:00-14:00", "16:00-19:00"],
            ["Friday"] = ["08:00-15:00"],
            ["Saturday"] = ["20:00-24:00"],
        },
        Holidays = ["2026-01-01", "2026-12-25"],
    };

    [Fact]
    public void Well_formed_calendar_has_no_problems() => Assert.Empty(Madrid().Validate());

    [Fact]
    public void Unknown_time_zone_is_named()
    {
        var options = Madrid();
        options.TimeZone = "Mars/Base";
        Assert.Equal(["TimeZone: unknown time zone 'Mars/Base'"], options.Validate());
    }

    [Fact]
    public void Missing_time_zone_is_named()
    {
        var options = Madrid();
        options.TimeZone = " ";
        Assert.StartsWith("TimeZone: required", Assert.Single(options.Validate()));
    }

    [Fact]
    public void Range_that_ends_before_it_starts_names_the_day_and_position()
    {
        var options = Madrid();
        options.Hours["Monday"] = ["08:00-09:00", "18:00-09:00"];
        Assert.Equal(["Hours.Monday[1]: '18:00-09:00' ends before it starts"], options.Validate());
    }

    [Fact]
    public void Overlapping_ranges_name_both()
    {
        var options = Madrid();
        options.Hours["Monday"] = ["13:00-15:00", "09:00-14:00"];
        Assert.Equal(["Hours.Monday: '09:00-14:00' overlaps '13:00-15:00'"], options.Validate());
    }

    [Fact]
    public void Touching_ranges_are_not_an_overlap()
    {
        var options = Madrid();
        options.Hours["Monday"] = ["09:00-14:00", "14:00-15:00"];
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("Funday")]
    [InlineData("1")]
    [InlineData("Monday, Tuesday")]
    public void Key_that_is_not_an_English_day_name_is_named(string day)
    {
        var options = Madrid();
        options.Hours[day] = ["09:00-10:00"];
        Assert.Equal([$"Hours.{day}: not a day of the week"], options.Validate());
    }

    [Theory]
    [InlineData("9-14")]
    [InlineData("09:00")]
    [InlineData("09:00-25:00")]
    [InlineData("24:00-24:00")]
    [InlineData("9:00-14:00")]
    public void Malformed_range_is_named(string range)
    {
        var options = Madrid();
        options.Hours["Tuesday"] = [range];
        Assert.Equal([$"Hours.Tuesday[0]: '{range}' is not HH:mm-HH:mm (24-hour clock, 24:00 allowed as an end)"], options.Validate());
    }

    [Fact]
    public void Empty_range_is_named()
    {
        var options = Madrid();
        options.Hours["Tuesday"] = ["10:00-10:00"];
        Assert.Equal(["Hours.Tuesday[0]: '10:00-10:00' is empty (starts and ends at the same time)"], options.Validate());
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("25/12/2026")]
    [InlineData("")]
    public void Holiday_that_is_not_an_iso_date_is_named_by_position(string holiday)
    {
        var options = Madrid();
        options.Holidays.Add(holiday);
        Assert.Equal([$"Holidays[2]: '{holiday}' is not a yyyy-MM-dd date"], options.Validate());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new BusinessCalendarOptions
        {
            TimeZone = "Mars/Base",
            Hours = new() { ["Funday"] = ["09:00-10:00"], ["Monday"] = ["18:00-09:00"] },
            Holidays = ["2026-13-01"],
        };
        Assert.Equal(
            [
                "TimeZone: unknown time zone 'Mars/Base'",
                "Hours.Funday: not a day of the week",
                "Hours.Monday[0]: '18:00-09:00' ends before it starts",
                "Holidays[0]: '2026-13-01' is not a yyyy-MM-dd date",
            ],
            options.Validate());
    }

    [Fact]
    public void Calendar_without_any_working_hours_is_refused()
    {
        var options = new BusinessCalendarOptions { TimeZone = "Europe/Madrid" };
        Assert.Equal(["Hours: no working hours on any day"], options.Validate());
    }
}
