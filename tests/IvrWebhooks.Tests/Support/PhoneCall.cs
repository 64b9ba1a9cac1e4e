using System.Net;

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>One call as Twilio would drive it: the same CallSid and caller ID on every webhook.</summary>
public sealed class PhoneCall(IWebhookTarget app, string from, string callSid)
{
    public string CallSid { get; } = callSid;
    public string From { get; } = from;
    public IWebhookTarget App { get; set; } = app;

    public Task<string> StartAsync() => StepAsync("incoming");

    /// <summary>Posts to /twilio/voice/{step} and returns the TwiML, asserting a 200 answer in XML.</summary>
    public async Task<string> StepAsync(string step, string? digits = null, string? speech = null, IDictionary<string, string>? extra = null, string? token = null)
    {
        var form = Form(extra);
        if (digits is not null)
        {
            form["Digits"] = digits;
        }
        if (speech is not null)
        {
            form["SpeechResult"] = speech;
            form["Confidence"] = "0.9";
        }
        var response = await App.PostAsync($"/twilio/voice/{step}", form, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{step}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    public Task<string> RecordAsync(string step, string recordingSid, int seconds = 12, string? token = null) =>
        StepAsync(step, digits: "#", extra: new Dictionary<string, string>
        {
            ["RecordingSid"] = recordingSid,
            ["RecordingUrl"] = $"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{recordingSid}",
            ["RecordingDuration"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, token: token);

    public async Task<HttpStatusCode> CallbackAsync(string pathAndQuery, IDictionary<string, string> values)
    {
        var response = await App.PostAsync(pathAndQuery, Form(values));
        return response.StatusCode;
    }

    public Task<HttpStatusCode> HangUpAsync(string status = "completed") =>
        CallbackAsync("/twilio/voice/status", new Dictionary<string, string> { ["CallStatus"] = status, ["CallDuration"] = "42" });

    public Dictionary<string, string> Form(IDictionary<string, string>? extra = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = CallSid,
            ["AccountSid"] = "AC00000000000000000000000000000000",
            ["From"] = From,
            ["To"] = "+34900000000",
            ["CallStatus"] = "in-progress",
            ["Direction"] = "inbound",
            ["ApiVersion"] = "2010-04-01",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            form[key] = value;
        }
        return form;
    }
}
