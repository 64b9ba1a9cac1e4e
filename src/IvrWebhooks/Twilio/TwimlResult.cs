using Twilio.TwiML;

namespace WebTicketing.IvrWebhooks.Twilio;

/// <summary>Answers a webhook with a TwiML document.</summary>
public sealed class TwimlResult(string document) : IResult
{
    public TwimlResult(TwiML response)
        : this(response.ToString())
    {
    }

    /// <summary>An answer already rendered, e.g. the one stored for a call step that Twilio now retries.</summary>
    public string Document { get; } = document;

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
