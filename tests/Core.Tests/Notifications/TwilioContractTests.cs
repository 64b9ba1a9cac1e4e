using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Notifications;

/// <summary>Live mode against Prism running Twilio's own OpenAPI spec: the request Twilio would receive.</summary>
public sealed class TwilioContractTests(PrismServer prism) : IClassFixture<PrismServer>, IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "live-auth-token";
    private readonly List<RecordedRequest> recorded = [];
    private readonly List<CoreTestHost> hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }

    private async Task<(CoreTestHost Host, OutboxMessage Message)> SendOneAsync(string sender, string senderValue)
    {
        var host = await CoreTestHost.StartAsync(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Twilio:Mode"] = "Live",
                ["Twilio:AccountSid"] = AccountSid,
                ["Twilio:AuthToken"] = AuthToken,
                [$"Twilio:{sender}"] = senderValue,
                ["Twilio:PublicBaseUrl"] = "https://support.example.test/",
                ["Twilio:ApiBaseUrl"] = prism.BaseUrl.ToString(),
            });
            builder.Services.AddHttpClient(TwilioMessages.HttpClientName).AddHttpMessageHandler(() => new RecordingHandler(recorded));
        });
        hosts.Add(host);
        var directory = await host.WithDbAsync(TestDirectory.SeedAsync);
        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<CaseWorkflow>().OpenAsync(
                new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Minor, "Printer jams", Channel.Web, directory.AcmeContact.Id), Actor.Phone);
        }
        var queued = await host.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync());
        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<SmsSender>().SendAsync(queued.Id, CancellationToken.None);
        }
        return (host, await host.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync()));
    }

    [Fact]
    public async Task A_message_from_the_support_number_carries_to_from_body_status_callback_and_basic_auth()
    {
        var (_, message) = await SendOneAsync("PhoneNumber", "+34910000000");

        var request = Assert.Single(recorded);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri(prism.BaseUrl, $"/2010-04-01/Accounts/{AccountSid}/Messages.json"), request.Uri);
        Assert.Equal("+34600000001", request.Form["To"]);
        Assert.Equal("+34910000000", request.Form["From"]);
        Assert.False(request.Form.ContainsKey("MessagingServiceSid"));
        Assert.Equal(message.Body, request.Form["Body"]);
        Assert.Equal("https://support.example.test/twilio/sms/status", request.Form["StatusCallback"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        // Prism accepted it (201 with the spec's example): anything the spec forbids would have been a 4xx and a failure.
        Assert.Equal(OutboxStatus.Queued, message.Status);
        Assert.Equal("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", message.MessageSid);
        Assert.Null(message.ErrorCode);
    }

    [Fact]
    public async Task A_message_through_a_messaging_service_names_the_service_instead_of_a_sender()
    {
        var (_, message) = await SendOneAsync("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef");

        var request = Assert.Single(recorded);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", request.Form["MessagingServiceSid"]);
        Assert.False(request.Form.ContainsKey("From"));
        Assert.Equal(OutboxStatus.Queued, message.Status);
    }

    [Fact]
    public async Task The_mock_holds_requests_to_twilios_contract_refusing_missing_auth_and_missing_to()
    {
        using var http = new HttpClient { BaseAddress = prism.BaseUrl };
        var path = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";

        var anonymous = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["To"] = "+34600000001", ["Body"] = "x", ["From"] = "+34910000000" }));
        using var withoutTo = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Body"] = "x", ["From"] = "+34910000000" }),
        };
        withoutTo.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));
        var invalid = await http.SendAsync(withoutTo);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
    }

    /// <summary>Sees the outgoing request after the ApiBaseUrl rewrite, exactly as it leaves for the server.</summary>
    private sealed class RecordingHandler(List<RecordedRequest> recorded) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (recorded)
            {
                recorded.Add(new RecordedRequest(request.Method, request.RequestUri!, RecordedRequest.ParseForm(body), request.Headers.Authorization?.ToString()));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
