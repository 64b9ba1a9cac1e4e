using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Tests.Support;
using WebTicketing.IvrWebhooks.Twilio;
using WebTicketing.Testing;

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>
/// The IVR webhooks app on a fresh database (SQLite, or PostgreSQL when WEBTICKETING_TEST_POSTGRES is set) with a clock the test moves, and a client that signs its posts the
/// way Twilio does (HMAC-SHA1 over the public URL and the sorted form, keyed by the auth token).
/// </summary>
public sealed class SmsWebhookApp : IAsyncDisposable
{
    public const string AuthToken = "sms-test-auth-token";
    public const string PublicBaseUrl = "https://support.example.test";
    public const string SupportLine = "+34910000000";
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly WebApplicationFactory<Program> factory;
    private readonly HttpClient client;
    private int messageCounter;

    private SmsWebhookApp(WebApplicationFactory<Program> factory, TestDatabase database, FakeTimeProvider time)
    {
        this.factory = factory;
        Database = database;
        Time = time;
        client = factory.CreateClient();
    }

    public TestDatabase Database { get; }
    public FakeTimeProvider Time { get; }
    public TestDirectory Directory { get; private set; } = null!;
    public IServiceProvider Services => factory.Services;

    /// <param name="restartOn">A stopped app whose data and clock the new one takes over, as after a restart.</param>
    public static async Task<SmsWebhookApp> StartAsync(IDictionary<string, string?>? settings = null, SmsWebhookApp? restartOn = null)
    {
        var database = restartOn?.Database ?? TestDatabase.Create();
        var time = restartOn?.Time ?? new FakeTimeProvider(Start);
        var all = new Dictionary<string, string?>(database.Settings)
        {
            ["Jobs:RunServer"] = "false",
            ["Directory:SeedDemo"] = "false",
            ["Twilio:Mode"] = "Local",
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:PhoneNumber"] = SupportLine,
            ["Twilio:PublicBaseUrl"] = PublicBaseUrl,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in all)
            {
                web.UseSetting(key, value);
            }
            web.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(time));
        });
        var app = new SmsWebhookApp(factory, database, time);
        app.Directory = restartOn?.Directory ?? await app.WithDbAsync(TestDirectory.SeedAsync);
        return app;
    }

    public async Task<T> WithDbAsync<T>(Func<WebTicketingDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }

    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task<Case> OpenCaseAsync(int? contactId = null, int? equipmentId = null)
    {
        var change = await WithAsync<CaseWorkflow, CaseChange>(w => w.OpenAsync(
            new OpenCaseRequest(equipmentId ?? Directory.AcmeRouter.Id, Severity.Major, "Router reboots every hour", Channel.Phone, contactId ?? Directory.AcmeContact.Id),
            Actor.Phone));
        Assert.True(change.Succeeded, change.Problem);
        return change.Case!;
    }

    public string NextMessageSid() => $"SM{Interlocked.Increment(ref messageCounter):d32}";

    /// <summary>An inbound SMS as Twilio posts it; returns the status and the text of the TwiML &lt;Message&gt; (null if none).</summary>
    public async Task<(int Status, string? Reply)> TextAsync(string from, string body, string? messageSid = null, string? signature = null)
    {
        var response = await PostAsync("/twilio/sms/incoming", new Dictionary<string, string>
        {
            ["MessageSid"] = messageSid ?? NextMessageSid(),
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["From"] = from,
            ["To"] = SupportLine,
            ["Body"] = body,
            ["NumMedia"] = "0",
            ["NumSegments"] = "1",
            ["SmsStatus"] = "received",
            ["ApiVersion"] = "2010-04-01",
        }, signature);
        var content = await response.Content.ReadAsStringAsync();
        string? reply = null;
        if (response.IsSuccessStatusCode)
        {
            Assert.StartsWith("application/xml", response.Content.Headers.ContentType?.ToString());
            reply = XDocument.Parse(content).Root!.Element("Message")?.Value;
        }
        return ((int)response.StatusCode, reply);
    }

    public async Task<int> StatusCallbackAsync(string messageSid, string status, string? errorCode = null, string? signature = null)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = messageSid,
            ["SmsSid"] = messageSid,
            ["MessageStatus"] = status,
            ["SmsStatus"] = status,
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["From"] = SupportLine,
            ["To"] = "+34600000001",
            ["ApiVersion"] = "2010-04-01",
        };
        if (errorCode is not null)
        {
            form["ErrorCode"] = errorCode;
        }
        return (int)(await PostAsync("/twilio/sms/status", form, signature)).StatusCode;
    }

    public static string Sign(string url, IDictionary<string, string> form)
    {
        var data = new StringBuilder(url);
        foreach (var key in form.Keys.Order(StringComparer.Ordinal))
        {
            data.Append(key).Append(form[key]);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    private async Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioRequestValidation.SignatureHeader, signature ?? Sign(PublicBaseUrl + path, form));
        request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    /// <summary>Stops the app and keeps its data for <see cref="StartAsync"/>'s restartOn.</summary>
    public async Task StopAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Database.DisposeAsync();
    }
}
