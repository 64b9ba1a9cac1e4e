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
        await app.WithDbAsync(db =>
        {
            db.Contacts.Add(new Contact { Name = "Nuria New", Email = "nuria@acme.test", OrganizationId = app.Data.Acme.Id });
            return db.SaveChangesAsync();
        });
        var contactId = await app.WithDbAsync(db => Task.FromResult(db.Contacts.Single(c => c.Email == "nuria@acme.test").Id));
        using var admin = await app.SignedInAsync(ConsoleData.AdminEmail);

        var created = await admin.PostFormAsync("/admin", new() { ["Input.Person"] = $"contact:{contactId}" }, "Create");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var adminPage = await admin.GetStringAsync("/admin");
        var link = WebUtility.HtmlDecode(IssuedLink().Match(adminPage).Groups[1].Value);
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
