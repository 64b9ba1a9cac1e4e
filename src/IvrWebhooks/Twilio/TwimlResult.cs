using Twilio.TwiML;

namespace WebTicketing.IvrWebhooks.Twilio;

/// <summary>Answers a webhook with a TwiML document.</summary>
public sealed class TwimlResult(TwiML response) : IResult
{
    public string Document { get; } = response.ToString();

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/xml; charset=utf-8";
        return httpContext.Response.WriteAsync(Document, httpContext.RequestAborted);
    }
}

public static class TwimlResults
{
    public static TwimlResult Twiml(this TwiML response) => new(response);
}
