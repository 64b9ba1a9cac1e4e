using Microsoft.Extensions.Options;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Tests.Sla;

public sealed class BusinessCalendarTests
{
    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

    /// <summary>Split shift Monday to Thursday, short Friday, closed at weekends; Epiphany off.</summary>
    private static readonly BusinessCalendar Madrid = new(new BusinessCalendarOptions
    {
        TimeZone = "Europe/Madrid",
        Hours = new()
        {
            ["Monday"] = ["09:00-14:00", "16:00-19:00"],
            ["Tuesday"] = ["09:00-14:00", "16:00-19:00"],
            ["Wednesday"] = ["09:00-14:00", "16:00-19:00"],
            ["Thursday"] = ["09:00-14:00", "16:00-19:00"],
            ["Friday"] = ["08:00-15:00"],
        },
        Holidays = ["2026-01-06"],
    });

    private static readonly BusinessCalendar Mexico = new(new BusinessCalendarOptions
    {
        TimeZone = "America/Mexico_City",
        Hours = Weekdays.ToDictionary(d => d, _ => new List<string> { "08:00-17:00" }),
        Holidays = ["2026-09-16"],
    });

    private static readonly BusinessCalendar NewYork = new(new BusinessCalendarOptions
    {
        TimeZone = "America/New_York",
        Hours = Weekdays.ToDictionary(d => d, _ => new List<string> { "09:00-17:00" }),
    });

    private static BusinessCalendar AllDay(string zone) => new(new BusinessCalendarOptions
    {
        TimeZone = zone,
        Hours = Enum.GetNames<DayOfWeek>().ToDictionary(d => d, _ => new List<string> { "00:00-24:00" }),
    });

    private static BusinessCalendar SundayNight(string zone, string range) => new(new BusinessCalendarOptions
    {
        TimeZone = zone,
        Hours = new() { ["Sunday"] = [range] },
    });

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Working_time_counts_from_the_start_when_inside_a_range() =>
        Assert.Equal(At("2026-03-02T11:30+01:00"), Madrid.AddWorkingTime(At("2026-03-02T10:00+01:00"), TimeSpan.FromMinutes(90)));

    [Fact]
    public void Split_shift_lunch_break_does_not_count() =>
        Assert.Equal(At("2026-03-02T16:30+01:00"), Madrid.AddWorkingTime(At("2026-03-02T13:30+01:00"), TimeSpan.FromHours(1)));

    [Fact]
    public void Short_friday_then_weekend_carries_over_to_monday() =>
        Assert.Equal(At("2026-03-09T10:00+01:00"), Madrid.AddWorkingTime(At("2026-03-06T14:00+01:00"), TimeSpan.FromHours(2)));

    [Fact]
    public void Start_on_a_saturday_counts_from_monday_opening() =>
        Assert.Equal(At("2026-03-09T09:45+01:00"), Madrid.AddWorkingTime(At("2026-03-07T12:00+01:00"), TimeSpan.FromMinutes(45)));

    [Fact]
    public void Holiday_is_skipped_like_a_weekend() =>
        Assert.Equal(At("2026-01-07T10:00+01:00"), Madrid.AddWorkingTime(At("2026-01-05T18:00+01:00"), TimeSpan.FromHours(2)));

    [Fact]
    public void One_business_day_from_an_afternoon_ends_the_next_afternoon() =>
        // Monday 17:00: 2 h Monday, then Tuesday 09:00-14:00 (5 h) and 16:00-18:00 (2 h).
        Assert.Equal(At("2026-03-03T18:00+01:00"), Madrid.AddWorkingTime(At("2026-03-02T17:00+01:00"), TimeSpan.FromHours(9)));

    [Fact]
    public void Start_exactly_at_closing_time_counts_from_the_next_opening() =>
        Assert.Equal(At("2026-03-02T16:30+01:00"), Madrid.AddWorkingTime(At("2026-03-02T14:00+01:00"), TimeSpan.FromMinutes(30)));

    [Fact]
    public void Start_exactly_at_opening_time_counts_from_there() =>
        Assert.Equal(At("2026-03-02T09:30+01:00"), Madrid.AddWorkingTime(At("2026-03-02T09:00+01:00"), TimeSpan.FromMinutes(30)));

    [Fact]
    public void Work_that_ends_exactly_at_closing_is_due_at_closing_not_at_the_next_opening() =>
        Assert.Equal(At("2026-03-02T14:00+01:00"), Madrid.AddWorkingTime(At("2026-03-02T13:00+01:00"), TimeSpan.FromHours(1)));

    [Theory]
    [InlineData("2026-03-02T10:17+01:00", "2026-03-02T10:17+01:00")]
    [InlineData("2026-03-02T14:00+01:00", "2026-03-02T16:00+01:00")]
    [InlineData("2026-03-02T19:00+01:00", "2026-03-03T09:00+01:00")]
    [InlineData("2026-03-07T10:00+01:00", "2026-03-09T09:00+01:00")]
    public void Zero_working_time_is_the_start_inside_hours_and_the_next_opening_outside(string start, string expected) =>
        Assert.Equal(At(expected), Madrid.AddWorkingTime(At(start), TimeSpan.Zero));

    [Fact]
    public void Same_instant_in_any_offset_gives_the_same_due_instant()
    {
        var utc = At("2026-03-02T12:30Z");
        var india = utc.ToOffset(TimeSpan.FromHours(5.5));
        var mexico = utc.ToOffset(TimeSpan.FromHours(-6));
        var expected = At("2026-03-02T17:30+01:00");
        Assert.Equal(expected, Madrid.AddWorkingTime(utc, TimeSpan.FromHours(2)));
        Assert.Equal(expected, Madrid.AddWorkingTime(india, TimeSpan.FromHours(2)));
        Assert.Equal(expected, Madrid.AddWorkingTime(mexico, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.Zero, Madrid.AddWorkingTime(mexico, TimeSpan.FromHours(2)).Offset);
    }

    [Fact]
    public void Weekend_spanning_spring_forward_keeps_local_opening_hours() =>
        // Madrid moves to summer time on Sunday 29 March 2026: Monday opens at 09:00 CEST = 07:00 UTC.
        Assert.Equal(At("2026-03-30T10:00+02:00"), Madrid.AddWorkingTime(At("2026-03-27T14:00+01:00"), TimeSpan.FromHours(2)));

    [Fact]
    public void Weekend_spanning_fall_back_keeps_local_opening_hours() =>
        // New York returns to standard time on Sunday 1 November 2026.
        Assert.Equal(At("2026-11-02T10:00-05:00"), NewYork.AddWorkingTime(At("2026-10-30T16:00-04:00"), TimeSpan.FromHours(2)));

    [Fact]
    public void Mexico_city_keeps_one_offset_all_year()
    {
        // It used to switch on the first Sunday of April; since 2022 it does not.
        Assert.Equal(At("2026-04-06T09:00-06:00"), Mexico.AddWorkingTime(At("2026-04-03T16:00-06:00"), TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(24), AllDay("America/Mexico_City").WorkingTimeBetween(At("2026-04-05T00:00-06:00"), At("2026-04-06T00:00-06:00")));
    }

    [Theory]
    [InlineData("Europe/Madrid", "2026-03-29T00:00+01:00", "2026-03-30T00:00+02:00", 23)]
    [InlineData("Europe/Madrid", "2026-10-25T00:00+02:00", "2026-10-26T00:00+01:00", 25)]
    [InlineData("America/New_York", "2026-03-08T00:00-05:00", "2026-03-09T00:00-04:00", 23)]
    [InlineData("America/New_York", "2026-11-01T00:00-04:00", "2026-11-02T00:00-05:00", 25)]
    public void Round_the_clock_calendar_counts_real_hours_on_dst_days(string zone, string from, string to, int hours) =>
        Assert.Equal(TimeSpan.FromHours(hours), AllDay(zone).WorkingTimeBetween(At(from), At(to)));

    [Fact]
    public void Round_the_clock_calendar_adds_elapsed_time_across_spring_forward() =>
        Assert.Equal(At("2026-03-29T13:00+02:00"), AllDay("Europe/Madrid").AddWorkingTime(At("2026-03-28T12:00+01:00"), TimeSpan.FromHours(24)));

    [Fact]
    public void Night_range_across_spring_forward_loses_the_skipped_hour() =>
        Assert.Equal(TimeSpan.FromHours(2), SundayNight("Europe/Madrid", "01:00-04:00").WorkingTimeBetween(At("2026-03-28T00:00Z"), At("2026-03-30T00:00Z")));

    [Fact]
    public void Night_range_across_fall_back_counts_the_repeated_hour() =>
        Assert.Equal(TimeSpan.FromHours(4), SundayNight("Europe/Madrid", "01:00-04:00").WorkingTimeBetween(At("2026-10-24T00:00Z"), At("2026-10-26T00:00Z")));

    [Fact]
    public void Range_opening_inside_the_skipped_hour_opens_when_the_clock_jumps()
    {
        var calendar = SundayNight("Europe/Madrid", "02:30-05:00");
        Assert.Equal(At("2026-03-29T03:00+02:00"), calendar.AddWorkingTime(At("2026-03-28T12:00Z"), TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromHours(2), calendar.WorkingTimeBetween(At("2026-03-28T00:00Z"), At("2026-03-30T00:00Z")));
    }

    [Fact]
    public void Holidays_are_dates_in_the_calendars_own_zone()
    {
        // 16 September 00:00 UTC is still the 15th in Mexico City: the holiday starts six hours later.
        Assert.Equal(TimeSpan.Zero, Mexico.WorkingTimeBetween(At("2026-09-16T00:00Z"), At("2026-09-17T00:00Z")));
        Assert.Equal(TimeSpan.FromHours(1), Mexico.WorkingTimeBetween(At("2026-09-15T16:00-06:00"), At("2026-09-17T00:00Z")));
        Assert.Equal(At("2026-09-17T08:00-06:00"), Mexico.AddWorkingTime(At("2026-09-16T00:30Z"), TimeSpan.Zero));
    }

    [Fact]
    public void Working_time_between_ignores_closed_hours_and_is_negative_backwards()
    {
        var from = At("2026-03-02T13:00+01:00");
        var to = At("2026-03-02T17:00+01:00");
        Assert.Equal(TimeSpan.FromHours(2), Madrid.WorkingTimeBetween(from, to));
        Assert.Equal(TimeSpan.FromHours(-2), Madrid.WorkingTimeBetween(to, from));
        Assert.Equal(TimeSpan.Zero, Madrid.WorkingTimeBetween(At("2026-03-02T14:00+01:00"), At("2026-03-02T16:00+01:00")));
    }

    [Fact]
    public void Adding_then_measuring_gives_back_the_working_time_in_every_zone()
    {
        var random = new Random(20261125);
        foreach (var calendar in new[] { Madrid, Mexico, NewYork, AllDay("Europe/Madrid"), SundayNight("America/New_York", "00:30-03:30") })
        {
            for (var i = 0; i < 2000; i++)
            {
                var start = At("2026-01-01T00:00Z").AddMinutes(random.Next(0, 365 * 24 * 60));
                var work = TimeSpan.FromMinutes(random.Next(0, 60 * 60));
                var due = calendar.AddWorkingTime(start, work);
                Assert.Equal(work, calendar.WorkingTimeBetween(start, due));
                Assert.True(due >= start);
            }
        }
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new BusinessCalendar(new BusinessCalendarOptions
        {
            TimeZone = "Mars/Base",
            Hours = new() { ["Monday"] = ["18:00-09:00"] },
            Holidays = ["2026-13-01"],
        }));
        Assert.Equal(
            ["TimeZone: unknown time zone 'Mars/Base'", "Hours.Monday[0]: '18:00-09:00' ends before it starts", "Holidays[0]: '2026-13-01' is not a yyyy-MM-dd date"],
            error.Failures);
        Assert.Contains("Mars/Base", error.Message);
    }

    [Fact]
    public void Negative_working_time_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Madrid.AddWorkingTime(At("2026-03-02T10:00Z"), TimeSpan.FromMinutes(-1)));
}
