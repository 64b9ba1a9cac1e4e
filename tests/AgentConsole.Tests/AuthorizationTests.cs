using System.Net;
using WebTicketing.AgentConsole.Tests.Support;

namespace WebTicketing.AgentConsole.Tests;

public sealed class AuthorizationTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    private string AcmeCaseUrl => $"/cases/{app.Data.AcmeCase.Number}";

    public static TheoryData<string> EveryPage =>
        ["/", "/cases", "/cases/new", "/cases/10000009", "/cases/10000009/recording", "/cases/10000009/attachments/1",
         "/callbacks", "/callbacks/1/recording", "/admin", "/admin/outbox", "/jobs"];

    [Theory]
    [MemberData(nameof(EveryPage))]
    public async Task Anonymous_visitor_is_sent_to_the_login_page(string url)
    {
        using var client = app.Anonymous();

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_script_cannot_connect_to_the_live_updates_hub()
    {
        using var client = app.Anonymous();

        var response = await client.PostAsync("/hubs/cases/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/callbacks")]
    [InlineData("/admin")]
    [InlineData("/admin/outbox")]
    [InlineData("/jobs")]
    public async Task Customer_is_refused_staff_pages(string url)
    {
        using var client = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/outbox")]
    [InlineData("/jobs")]
    public async Task Agent_is_refused_admin_pages(string url)
    {
        using var client = await app.SignedInAsync(ConsoleData.AgentEmail);

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_opens_the_jobs_dashboard_and_the_admin_pages()
    {
        using var client = await app.SignedInAsync(ConsoleData.AdminEmail);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/outbox")).StatusCode);
    }

    [Fact]
    public async Task Customer_landing_on_the_start_page_goes_to_their_cases()
    {
        using var client = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/cases", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Customer_who_guesses_another_organizations_case_gets_404()
    {
        using var client = await app.SignedInAsync(ConsoleData.GlobexEmail);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(AcmeCaseUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{AcmeCaseUrl}/recording")).StatusCode);
        // A valid token from the customer's own case page still finds nothing to change on another's.
        var token = await client.AntiforgeryTokenAsync($"/cases/{app.Data.GlobexCase.Number}");
        var foreign = await client.PostAsync($"{AcmeCaseUrl}?handler=Comment", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Input.Version"] = "0", ["Input.Text"] = "let me in",
        }));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.DoesNotContain(await app.WithDbAsync(db => Task.FromResult(db.CaseEvents.Where(e => e.CaseId == app.Data.AcmeCase.Id).Select(e => e.Text).ToList())), t => t == "let me in");
    }

    [Theory]
    [InlineData("Status", "Input.Status", "InProgress")]
    [InlineData("Note", "Input.Text", "internal")]
    [InlineData("Severity", "Input.Severity", "Critical")]
    [InlineData("Escalate", "Input.Text", "needs tier 2")]
    [InlineData("Resolve", "Input.Text", "fixed")]
    [InlineData("Assign", "Input.AgentId", "1")]
    public async Task Customer_cannot_use_staff_actions_on_their_own_case(string handler, string field, string value)
    {
        using var client = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var response = await client.PostFormAsync(AcmeCaseUrl, new() { ["Input.Version"] = "1", [field] = value }, handler);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var version = await app.WithDbAsync(db => Task.FromResult(db.Cases.Single(c => c.Id == app.Data.AcmeCase.Id).Version));
        Assert.Equal(app.Data.AcmeCase.Version, version);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var client = await app.SignedInAsync(ConsoleData.AgentEmail);

        var response = await client.PostAsync($"{AcmeCaseUrl}?handler=Status", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Version"] = app.Data.AcmeCase.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.Status"] = "InProgress",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Login_is_locked_after_five_wrong_passwords()
    {
        using var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostFormAsync("/account/login", new() { ["Input.Email"] = ConsoleData.AcmeEmail, ["Input.Password"] = "wrong password" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await client.PostFormAsync("/account/login", new() { ["Input.Email"] = ConsoleData.AcmeEmail, ["Input.Password"] = ConsoleData.Password });

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("15", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Session_cookie_is_http_only_and_same_site()
    {
        using var client = app.Anonymous();

        var response = await client.PostFormAsync("/account/login", new() { ["Input.Email"] = ConsoleData.AgentEmail, ["Input.Password"] = ConsoleData.Password });

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("webticketing=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
