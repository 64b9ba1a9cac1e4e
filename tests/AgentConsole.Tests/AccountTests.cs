using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Tests;

public sealed partial class AccountTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    [Fact]
    public async Task Admin_creates_a_login_whose_one_time_link_sets_the_first_password_once()
    {
        using var admin = await app.SignedInAsync(ConsoleData.AdminEmail);
        var link = await CreateLoginAsync(admin, "Nuria New", "nuria@acme.test");
        Assert.StartsWith("http://localhost/account/set-password?user=", link, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(link), await admin.GetStringAsync("/admin/outbox"));

        using var newcomer = app.Anonymous();
        var path = new Uri(link).PathAndQuery;
        var set = await newcomer.PostFormAsync(path, new() { ["Input.Password"] = "a long new passphrase", ["Input.Confirm"] = "a long new passphrase" });
        var again = await newcomer.PostFormAsync(path, new() { ["Input.Password"] = "another passphrase!", ["Input.Confirm"] = "another passphrase!" });
        var login = await newcomer.PostFormAsync("/account/login", new() { ["Input.Email"] = "nuria@acme.test", ["Input.Password"] = "a long new passphrase" });

        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("alert-danger", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<UserAccount>>();
        Assert.True(await users.IsInRoleAsync((await users.FindByEmailAsync("nuria@acme.test"))!, Roles.Customer));
        // The new customer sees their organization's case.
        Assert.Contains(app.Data.AcmeCase.Number, await newcomer.GetStringAsync("/cases"));
    }

    [Fact]
    public async Task Login_links_are_in_the_outbox_of_another_instance_and_work_there()
    {
        using var admin = await app.SignedInAsync(ConsoleData.AdminEmail);
        var link = await CreateLoginAsync(admin, "Olga Other", "olga@acme.test");

        // A second app on the same database: what a restarted process or another instance sees.
        using var other = new ConsoleApp(database: app.Database);
        using var otherAdmin = await other.SignedInAsync(ConsoleData.AdminEmail);
        var outbox = await otherAdmin.GetStringAsync("/admin/outbox");
        using var newcomer = other.Anonymous();
        var set = await newcomer.PostFormAsync(new Uri(link).PathAndQuery, new() { ["Input.Password"] = "olga's own passphrase", ["Input.Confirm"] = "olga's own passphrase" });

        Assert.Contains(WebUtility.HtmlEncode(link), outbox);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
    }

    /// <summary>A new Acme contact and, through the admin page, their login; returns the one-time link issued.</summary>
    private async Task<string> CreateLoginAsync(HttpClient admin, string name, string email)
    {
        await app.WithDbAsync(db =>
        {
            db.Contacts.Add(new Contact { Name = name, Email = email, OrganizationId = app.Data.Acme.Id });
            return db.SaveChangesAsync();
        });
        var contactId = await app.WithDbAsync(db => Task.FromResult(db.Contacts.Single(c => c.Email == email).Id));
        var created = await admin.PostFormAsync("/admin", new() { ["Input.Person"] = $"contact:{contactId}" }, "Create");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return WebUtility.HtmlDecode(IssuedLink().Match(await admin.GetStringAsync("/admin")).Groups[1].Value);
    }

    [Fact]
    public async Task Sign_out_is_a_post_that_ends_the_session()
    {
        using var client = await app.SignedInAsync(ConsoleData.AgentEmail);

        var signOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await client.AntiforgeryTokenAsync("/cases"),
        }));
        var after = await client.GetAsync("/cases");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [GeneratedRegex("<code class=\"user-select-all text-break\">([^<]+)</code>")]
    private static partial Regex IssuedLink();
}
