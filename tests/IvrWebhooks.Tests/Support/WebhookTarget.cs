namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>Where a call's webhooks go: the app in this process (<see cref="IvrApp"/>) or one in its own (<see cref="IvrProcess"/>).</summary>
public interface IWebhookTarget
{
    Task<HttpResponseMessage> PostAsync(string pathAndQuery, IDictionary<string, string> form, string? idempotencyToken = null, string? signature = null);
}

public static class TwilioRequests
{
    /// <summary>Posts a webhook as Twilio does: form-encoded, signed over the public URL and the sorted parameters.</summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string pathAndQuery, IDictionary<string, string> form, string? idempotencyToken, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature ?? IvrApp.Sign(IvrApp.PublicBaseUrl + pathAndQuery, form));
        if (idempotencyToken is not null)
        {
            request.Headers.Add("I-Twilio-Idempotency-Token", idempotencyToken);
        }
        return await client.SendAsync(request);
    }
}
