using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Tests;

/// <summary>Times are stored in UTC and shown in the case's region zone, or the user's, always with the offset.</summary>
public sealed class TimeZoneTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private static readonly TimeSpan MexicoCity = TimeSpan.FromHours(-6); // no daylight saving time since 2022

    private readonly ConsoleApp app = console.App;

    [Theory]
    [InlineData("es")]
    [InlineData("en")]
    public async Task A_case_shows_its_times_in_its_regions_zone_with_the_offset(string language)
    {
        using var supervisor = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        supervisor.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var opened = await app.WithDbAsync(db => db.Cases.Where(c => c.Id == app.Data.GlobexCase.Id).Select(c => c.OpenedAt).SingleAsync());

        var html = await supervisor.GetStringAsync($"/cases/{app.Data.GlobexCase.Number}");

        var expected = opened.ToOffset(MexicoCity).ToString("g", new CultureInfo(language)) + " UTC-6";
        Assert.Contains(expected, WebUtility.HtmlDecode(html));
    }

    [Fact]
    public async Task Other_times_follow_the_browsers_zone_unless_the_user_chose_one()
    {
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        await app.WithDbAsync(db =>
        {
            db.LoginLinkMails.Add(new LoginLinkMail { At = at, UserId = "someone", To = "tz@acme.test", Link = "http://localhost/x" });
            return db.SaveChangesAsync();
        });
        var es = new CultureInfo("es");

        using var noZone = await app.SignedInAsync(ConsoleData.AdminEmail);
        var utc = WebUtility.HtmlDecode(await noZone.GetStringAsync("/admin/outbox"));
        using var browser = await app.SignedInAsync(ConsoleData.AdminEmail);
        browser.DefaultRequestHeaders.Add("Cookie", "wt-tz=America%2FMexico_City");
        var mexico = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/outbox"));
        using var saved = await app.SignedInAsync(ConsoleData.AdminEmail);
        saved.DefaultRequestHeaders.Add("Cookie", "wt-tz=America%2FMexico_City");
        var chosen = await saved.PostAsync("/account/language?handler=Zone", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["zone"] = "Asia/Kolkata",
            ["returnUrl"] = "/admin/outbox",
            ["__RequestVerificationToken"] = await saved.AntiforgeryTokenAsync("/admin/outbox"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var kolkata = WebUtility.HtmlDecode(await saved.GetStringAsync("/admin/outbox"));

        Assert.Contains(at.ToString("g", es) + " UTC", utc);
        Assert.Contains(at.ToOffset(MexicoCity).ToString("g", es) + " UTC-6", mexico);
        Assert.Contains(at.ToOffset(new TimeSpan(5, 30, 0)).ToString("g", es) + " UTC+5:30", kolkata);
    }
}
