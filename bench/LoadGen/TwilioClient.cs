using System.Diagnostics;
using System.Text;

namespace WebTicketing.Bench.LoadGen;

/// <summary>A request exactly as sent, so wrk can replay it byte for byte (signature included).</summary>
public sealed record CapturedRequest(string Step, string Method, string PathAndQuery, string Body, string Signature);

/// <summary>Sends webhooks the way Twilio does: form-encoded, signed over the full URL, timed per step.</summary>
public sealed class TwilioClient(HttpClient http, TwilioSignature signer, Stats stats, Action<CapturedRequest>? capture = null, TextWriter? trace = null)
{
    public async Task<(int Status, string Body)> SendAsync(string step, string method, Uri url,
        IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var get = string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase);
        var encoded = Encode(parameters);
        HttpRequestMessage request;
        string signature;
        var body = "";
        if (get)
        {
            // A GET webhook carries its parameters in the query string and is signed over the URL alone.
            url = new Uri(url.AbsoluteUri + (string.IsNullOrEmpty(url.Query) ? "?" : "&") + encoded);
            signature = signer.Sign(url.AbsoluteUri, []);
            request = new HttpRequestMessage(HttpMethod.Get, url);
        }
        else
        {
            body = encoded;
            signature = signer.Sign(url.AbsoluteUri, parameters);
            request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
        }
        request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature);
        request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString("N"));
        request.Headers.TryAddWithoutValidation("User-Agent", "TwilioProxy/1.1");
        capture?.Invoke(new CapturedRequest(step, get ? "GET" : "POST", url.PathAndQuery, body, signature));

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            trace?.WriteLine($"--> {step} {body}\n<-- {(int)response.StatusCode} {text.ReplaceLineEndings(" ")}");
            stats.Step(step, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, response.IsSuccessStatusCode);
            return ((int)response.StatusCode, text);
        }
        catch (HttpRequestException e)
        {
            stats.Step(step, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, ok: false);
            stats.Error($"{step}: {e.HttpRequestError}");
            return (0, "");
        }
        finally
        {
            request.Dispose();
        }
    }

    public static string Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>"gather /twilio/voice/menu": the kind of webhook and where it went; short query strings stay in, ids do not.</summary>
    public static string StepName(string kind, Uri url) =>
        url.Query.Length is > 0 and <= 32 && !url.Query.Any(char.IsAsciiDigit) ? $"{kind} {url.AbsolutePath}{url.Query}" : $"{kind} {url.AbsolutePath}";
}
