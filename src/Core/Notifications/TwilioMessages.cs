using System.Net;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Notifications;

/// <summary>What Twilio's Messages API said about one send.</summary>
public abstract record SendOutcome
{
    /// <summary>Twilio took the message: its sid and status (queued, sent…).</summary>
    public sealed record Accepted(string Sid, string Status) : SendOutcome;
    /// <summary>Worth trying again later: Twilio 5xx, 429, a timeout, the network.</summary>
    public sealed record Transient(string Code, string Error) : SendOutcome;
    /// <summary>Will fail the same way every time: invalid 'To', unsubscribed recipient, no permission…</summary>
    public sealed record Permanent(string Code, string Error) : SendOutcome;
}

/// <summary>
/// The edge to Twilio's REST API (Live mode) through the Twilio 8.2.0 client, on an <see cref="System.Net.Http.HttpClient"/>
/// from the factory so tests can put a recorder or a stub in its pipeline and <c>Twilio:ApiBaseUrl</c> can redirect it.
/// </summary>
public sealed class TwilioMessages(IHttpClientFactory httpClients, IOptionsMonitor<TwilioOptions> options)
{
    public const string HttpClientName = "Twilio";
    public const string StatusCallbackPath = "/twilio/sms/status";

    public async Task<SendOutcome> CreateAsync(OutboxMessage message)
    {
        var twilio = options.CurrentValue;
        var create = new CreateMessageOptions(new PhoneNumber(message.To)) { Body = message.Body, StatusCallback = StatusCallback(twilio) };
        if (!string.IsNullOrWhiteSpace(twilio.MessagingServiceSid))
        {
            create.MessagingServiceSid = twilio.MessagingServiceSid;
        }
        else
        {
            create.From = new PhoneNumber(twilio.PhoneNumber);
        }
        try
        {
            var sent = await MessageResource.CreateAsync(create, Client(twilio));
            return new SendOutcome.Accepted(sent.Sid, sent.Status?.ToString() ?? "queued");
        }
        catch (Exception exception) when (Classify(exception) is { } outcome)
        {
            return outcome;
        }
    }

    /// <summary>
    /// Looks for a message Twilio already accepted for this outbox row (same To, same Body, created after the row):
    /// Twilio's Messages API has no idempotency key, so this is how a send interrupted by a crash is confirmed.
    /// Null when none is found; throws when Twilio cannot be asked.
    /// </summary>
    public async Task<SendOutcome.Accepted?> FindAsync(OutboxMessage message)
    {
        var twilio = options.CurrentValue;
        var read = new ReadMessageOptions { To = new PhoneNumber(message.To), PageSize = 50, Limit = 50 };
        if (string.IsNullOrWhiteSpace(twilio.MessagingServiceSid))
        {
            read.From = new PhoneNumber(twilio.PhoneNumber);
        }
        var since = message.CreatedAt.UtcDateTime.AddMinutes(-1);
        foreach (var sent in await MessageResource.ReadAsync(read, Client(twilio)))
        {
            if (sent.Body == message.Body && (sent.DateCreated is null || sent.DateCreated.Value.ToUniversalTime() >= since))
            {
                return new SendOutcome.Accepted(sent.Sid, sent.Status?.ToString() ?? "queued");
            }
        }
        return null;
    }

    /// <summary>Twilio error codes that retrying cannot fix are permanent; so is any other 4xx except 429.</summary>
    public static SendOutcome? Classify(Exception exception) => exception switch
    {
        ApiException { Status: (int)HttpStatusCode.TooManyRequests or >= 500 } api => new SendOutcome.Transient(CodeOf(api), api.Message),
        ApiException { Status: >= 400 } api => new SendOutcome.Permanent(CodeOf(api), api.Message),
        // No status: Twilio's client could not read a response (an HTML error page from a proxy, a cut connection).
        ApiException or ApiConnectionException or HttpRequestException => new SendOutcome.Transient("network", exception.Message),
        TaskCanceledException => new SendOutcome.Transient("timeout", "Twilio did not answer in time."),
        _ => null,
    };

    private static string CodeOf(ApiException api) => api.Code != 0 ? api.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"http-{api.Status}";

    private static Uri? StatusCallback(TwilioOptions twilio) =>
        string.IsNullOrWhiteSpace(twilio.PublicBaseUrl) ? null : new Uri(twilio.PublicBaseUrl.TrimEnd('/') + StatusCallbackPath);

    private TwilioRestClient Client(TwilioOptions twilio) =>
        new(twilio.AccountSid, twilio.AuthToken, httpClient: new SystemNetHttpClient(httpClients.CreateClient(HttpClientName)));
}

/// <summary>
/// Sends Twilio's REST calls to <c>Twilio:ApiBaseUrl</c> when set. The Twilio client builds absolute URIs on
/// api.twilio.com, so an HttpClient BaseAddress would be ignored: the scheme, host and port are rewritten here.
/// </summary>
public sealed class TwilioApiBaseUrlHandler(IOptionsMonitor<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.ApiBaseUrl is { Length: > 0 } baseUrl && request.RequestUri is { } uri)
        {
            var target = new Uri(baseUrl);
            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
