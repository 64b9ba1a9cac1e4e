using System.Net;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Tests;

public sealed class LocalizationTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    [Fact]
    public async Task The_console_speaks_Spanish_unless_the_browser_asks_for_English()
    {
        using var client = app.Anonymous();

        var spanish = await client.GetStringAsync("/account/login");
        using var english = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        english.Headers.AcceptLanguage.ParseAdd("en-GB,en;q=0.9");
        var englishPage = await (await client.SendAsync(english)).Content.ReadAsStringAsync();

        Assert.Contains("Iniciar sesión", WebUtility.HtmlDecode(spanish));
        Assert.Contains("<html lang=\"es\">", spanish);
        Assert.Contains("Sign in", englishPage);
        Assert.Contains("<html lang=\"en\">", englishPage);
    }

    [Fact]
    public async Task The_language_switcher_saves_the_users_preference_over_the_browsers()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);

        var response = await client.PostAsync("/account/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await client.AntiforgeryTokenAsync("/cases"), ["culture"] = "en", ["returnUrl"] = "/cases",
        }));
        using var spanishBrowser = new HttpRequestMessage(HttpMethod.Get, "/cases?status=all");
        spanishBrowser.Headers.AcceptLanguage.ParseAdd("es-ES");
        var page = await (await client.SendAsync(spanishBrowser)).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(">Severity</th>", page);
        Assert.Contains("2 · Major", WebUtility.HtmlDecode(page));
        var saved = await app.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == ConsoleData.SupervisorEmail).PreferredLanguage));
        Assert.Equal(Language.En, saved);
    }

    [Fact]
    public async Task The_admin_page_says_in_Spanish_whether_a_login_has_a_password_and_the_time_zone_button_applies()
    {
        using var admin = await app.SignedInAsync(ConsoleData.AdminEmail);

        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin"));

        Assert.Contains("establecida", page);
        Assert.Contains(">Aplicar</button>", page);
    }
}
