using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebTicketing.Core.Data;
using WebTicketing.IvrWebhooks.DevPhone;
using WebTicketing.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>
/// The IVR app over a real database of its own (SQLite, or PostgreSQL when WEBTICKETING_TEST_POSTGRES is set), with a clock the test moves and Twilio's side played by signed requests.
/// Hangfire keeps static state, so this assembly runs its test classes one at a time.
/// </summary>
public sealed class IvrApp : WebApplicationFactory<Program>, IWebhookTarget
{
    public const string AuthToken = "test-auth-token";
    public const string PublicBaseUrl = "https://ivr.example.test";
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly string environment;
    private readonly Dictionary<string, string?> settings;
    private bool ownsDatabase;

    /// <param name="database">Another app's database, to play a second instance of the deployment; the caller disposes it.</param>
    public IvrApp(TestDatabase? database = null, FakeTimeProvider? time = null, string environment = "Testing", Dictionary<string, string?>? settings = null, bool kestrel = false)
    {
        ownsDatabase = database is null;
        if (kestrel)
        {
            // A real socket, for the browser: the in-memory test server cannot be reached from outside the process.
            UseKestrel(0);
        }
        Database = database ?? TestDatabase.Create();
        Time = time ?? new FakeTimeProvider(Start);
        this.environment = environment;
        this.settings = settings ?? [];
    }

    public TestDatabase Database { get; }
    public string Root => Database.Root;
    public FakeTimeProvider Time { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseTestDatabase(Database);
        builder.UseSetting("Jobs:RunServer", "false");
        builder.UseSetting("Directory:SeedDemo", "false");
        builder.UseSetting("Twilio:AuthToken", AuthToken);
        builder.UseSetting("Twilio:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Twilio:PhoneNumber", "+34900000000");
        builder.UseSetting("LookupGuard:MaxFailures", "5");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public async Task<T> WithDbAsync<T>(Func<WebTicketingDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }

    public Task WithDbAsync(Func<WebTicketingDb, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return true;
    });

    public async Task<HttpResponseMessage> PostAsync(string pathAndQuery, IDictionary<string, string> form, string? idempotencyToken = null, string? signature = null)
    {
        using var client = CreateClient();
        return await TwilioRequests.PostSignedAsync(client, pathAndQuery, form, idempotencyToken, signature);
    }

    /// <summary>
    /// Twilio's algorithm as the dev phone implements it, which SignatureVectorTests holds to Twilio's published vector;
    /// the app verifies with Twilio's own RequestValidator, so the two sides are independent.
    /// </summary>
    public static string Sign(string url, IDictionary<string, string> form) => DevPhoneEndpoints.Signature(AuthToken, url, form);

    /// <summary>Stops this app and starts it again on the same data and clock, as a redeploy mid-call would.</summary>
    public async Task<IvrApp> RestartAsync()
    {
        var restarted = new IvrApp(Database, Time, environment, settings) { ownsDatabase = ownsDatabase };
        ownsDatabase = false;
        await DisposeAsync();
        return restarted;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownsDatabase)
        {
            ownsDatabase = false;
            await Database.DisposeAsync();
        }
    }
}
