using System.Net;
using System.Text;

namespace WebTicketing.Core.Tests.Support;

/// <summary>
/// Plays Twilio's REST API at the HTTP edge (the client's primary handler): answers each request with the next
/// scripted Twilio-shaped response and records what was asked, so tests count sends and read their form.
/// </summary>
public sealed class TwilioApiStub : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> script = new();
    private readonly List<RecordedRequest> requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToList();
            }
        }
    }

    public IEnumerable<RecordedRequest> Creates => Requests.Where(r => r.Method == HttpMethod.Post && r.Uri.AbsolutePath.EndsWith("/Messages.json", StringComparison.Ordinal));

    public TwilioApiStub Accepts(string sid = "SM00000000000000000000000000000001", string status = "queued") =>
        Then(HttpStatusCode.Created, $$"""{"sid":"{{sid}}","status":"{{status}}","body":"x","to":"+34600000001","date_created":"Mon, 02 Mar 2026 09:00:00 +0000"}""");

    /// <summary>Twilio's error document, e.g. 400 with 21211 for an invalid 'To', 500 with 20500.</summary>
    public TwilioApiStub Fails(HttpStatusCode status, int code, string message) =>
        Then(status, $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{(int)status}}}""");

    public TwilioApiStub Lists(params (string Sid, string Body, string Status)[] messages) =>
        Then(HttpStatusCode.OK, $$"""{"messages":[{{string.Join(",", messages.Select(m =>
            $$"""{"sid":"{{m.Sid}}","body":"{{m.Body}}","status":"{{m.Status}}","to":"+34600000001","date_created":"Mon, 02 Mar 2026 09:00:00 +0000"}"""))}}],"next_page_uri":null,"page":0,"page_size":50,"uri":"/x"}""");

    public TwilioApiStub Then(HttpStatusCode status, string json, string mediaType = "application/json")
    {
        lock (script)
        {
            script.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) });
        }
        return this;
    }

    /// <summary>What HttpClient throws when its timeout passes.</summary>
    public TwilioApiStub TimesOut()
    {
        lock (script)
        {
            script.Enqueue(() => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout", new TimeoutException()));
        }
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (requests)
        {
            requests.Add(new RecordedRequest(request.Method, request.RequestUri!, RecordedRequest.ParseForm(body), request.Headers.Authorization?.ToString()));
        }
        lock (script)
        {
            return script.Count > 0
                ? script.Dequeue()()
                : throw new InvalidOperationException($"The test did not script an answer for {request.Method} {request.RequestUri}.");
        }
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Form, string? Authorization)
{
    public static IReadOnlyDictionary<string, string> ParseForm(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => p.Length > 1 ? WebUtility.UrlDecode(p[1]) : "");
}
