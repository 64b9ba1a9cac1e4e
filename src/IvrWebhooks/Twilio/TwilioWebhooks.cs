namespace WebTicketing.IvrWebhooks.Twilio;

public static class TwilioWebhooks
{
    /// <summary>
    /// The group every Twilio webhook lives in: signature checked first; antiforgery off, because these are
    /// server-to-server form posts from Twilio, authenticated by the signature rather than a browser token.
    /// </summary>
    public static RouteGroupBuilder MapTwilioGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/twilio").DisableAntiforgery().ValidateTwilioRequest().AddEndpointFilter(WithTwilioLogScope);

    /// <summary>Every log line written while handling a webhook carries the call or message it belongs to.</summary>
    private static async ValueTask<object?> WithTwilioLogScope(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!request.HasFormContentType)
        {
            return await next(context);
        }
        var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
        var scope = new Dictionary<string, object>(2);
        foreach (var key in ScopedParameters)
        {
            if (form.TryGetValue(key, out var value) && value.Count > 0)
            {
                scope[key] = value.ToString();
            }
        }
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("WebTicketing.Twilio");
        using (logger.BeginScope(scope))
        {
            return await next(context);
        }
    }

    private static readonly string[] ScopedParameters = ["CallSid", "MessageSid"];
}
