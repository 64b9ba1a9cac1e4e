using Microsoft.AspNetCore.Http.HttpResults;
using Twilio.TwiML;
using WebTicketing.Core.Notifications;
using WebTicketing.IvrWebhooks.Twilio;

namespace WebTicketing.IvrWebhooks.Sms;

/// <summary>Twilio's SMS webhooks: inbound messages (answered with TwiML) and outbound delivery status callbacks.</summary>
public static class SmsWebhooks
{
    public static RouteGroupBuilder MapSms(this RouteGroupBuilder twilio)
    {
        var sms = twilio.MapGroup("/sms");
        sms.MapPost("/incoming", IncomingAsync);
        sms.MapPost("/status", StatusAsync);
        return sms;
    }

    private static async Task<Results<TwimlResult, BadRequest>> IncomingAsync(HttpRequest request, SmsInbox inbox, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        if (form["MessageSid"].ToString() is not { Length: > 0 } messageSid)
        {
            return TypedResults.BadRequest();
        }
        var reply = await inbox.HandleAsync(messageSid, form["From"].ToString(), form["Body"].ToString(), cancellationToken);
        var response = new MessagingResponse();
        if (!string.IsNullOrEmpty(reply))
        {
            response.Message(reply);
        }
        return response.Twiml();
    }

    /// <summary>Always 204 for a well-formed callback, even a stale or unknown one: Twilio has nothing to retry.</summary>
    private static async Task<Results<NoContent, BadRequest>> StatusAsync(HttpRequest request, SmsDelivery delivery, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        if (form["MessageSid"].ToString() is not { Length: > 0 } messageSid)
        {
            return TypedResults.BadRequest();
        }
        await delivery.ApplyAsync(messageSid, form["MessageStatus"].ToString(), form["ErrorCode"].ToString(), cancellationToken);
        return TypedResults.NoContent();
    }
}
