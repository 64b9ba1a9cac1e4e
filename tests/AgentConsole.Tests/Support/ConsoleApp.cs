using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebTicketing.Core.Data;
using WebTicketing.Testing;

namespace WebTicketing.AgentConsole.Tests.Support;

/// <summary>
/// The console as it runs, on a real database of its own (a SQLite file in a fresh folder, or PostgreSQL when
/// WEBTICKETING_TEST_POSTGRES is set), with the people and cases of
/// <see cref="ConsoleData"/>. One per test class.
/// </summary>
/// <param name="database">Another app's database: a second instance on it (or the same one restarted).</param>
public sealed partial class ConsoleApp(TimeProvider? time = null, TestDatabase? database = null) : WebApplicationFactory<Program>
{
    private readonly bool ownsDatabase = database is null;

    public TestDatabase Database { get; } = database ?? TestDatabase.Create();
    public string Root => Database.Root;

    public ConsoleData Data { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
        .UseEnvironment("Testing")
        // Outside Development the host would look for published files; the build's manifest points at the sources.
        .UseStaticWebAssets()
        .UseTestDatabase(Database)
        .UseSetting("Jobs:RunServer", "false")
        .UseSetting("Directory:SeedDemo", "false")
        .UseSetting("Twilio:AuthToken", "test-auth-token")
        .ConfigureTestServices(services =>
        {
            if (time is not null)
            {
                services.AddSingleton(time);
            }
        });

    public async Task<ConsoleApp> SeedAsync()
    {
        _ = Services; // builds the host, which migrates the database
        await using var scope = Services.CreateAsyncScope();
        Data = await ConsoleData.SeedAsync(scope.ServiceProvider);
        return this;
    }

    public async Task<T> WithDbAsync<T>(Func<WebTicketingDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<HttpClient> SignedInAsync(string email)
    {
        var client = Anonymous();
        var response = await client.PostFormAsync("/account/login", new() { ["Input.Email"] = email, ["Input.Password"] = ConsoleData.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (ownsDatabase)
        {
            Database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

public static partial class FormPosting
{
    /// <summary>Posts a form the way a browser does: fetches the page first and sends its antiforgery token back.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pageUrl, Dictionary<string, string> fields, string? handler = null)
    {
        fields["__RequestVerificationToken"] = await client.AntiforgeryTokenAsync(pageUrl);
        var target = handler is null ? pageUrl : $"{pageUrl}{(pageUrl.Contains('?') ? '&' : '?')}handler={handler}";
        return await client.PostAsync(target, new FormUrlEncodedContent(fields));
    }

    public static async Task<string> AntiforgeryTokenAsync(this HttpClient client, string pageUrl)
    {
        var token = AntiforgeryToken().Match(await client.GetStringAsync(pageUrl));
        Assert.True(token.Success, $"No antiforgery token on {pageUrl}");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

/// <summary>One seeded app shared by the tests of a class (an xunit class fixture); the tests leave each other's cases alone.</summary>
public class SeededConsole : IAsyncLifetime
{
    public SeededConsole()
        : this(null)
    {
    }

    protected SeededConsole(TimeProvider? time) => App = new ConsoleApp(time);

    public ConsoleApp App { get; }

    public async Task InitializeAsync() => await App.SeedAsync();

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A seeded app whose clock moves only when a test advances it.</summary>
public sealed class SeededConsoleOnFakeClock : SeededConsole
{
    public SeededConsoleOnFakeClock()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero)))
    {
    }

    private SeededConsoleOnFakeClock(FakeTimeProvider time)
        : base(time) => Time = time;

    public FakeTimeProvider Time { get; }
}
