using System.Collections.Specialized;
using Microsoft.Extensions.Options;
using Twilio.Security;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Twilio;

/// <summary>
/// Refuses any webhook whose <c>X-Twilio-Signature</c> does not match, before the endpoint runs, so a forged request
/// gets 403 and writes nothing. Checked with Twilio's own <see cref="RequestValidator"/> in every mode.
/// </summary>
public static class TwilioRequestValidation
{
    public const string SignatureHeader = "X-Twilio-Signature";

    public static TBuilder ValidateTwilioRequest<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptionsMonitor<TwilioOptions>>().CurrentValue;
            bool valid;
            try
            {
                valid = await IsValidAsync(http.Request, options);
            }
            catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
            {
                // A body cut short (the client hung up mid-request) or past the form limits: the sender's fault, not a
                // server error to log and answer with 500. Nothing was read, so nothing was written.
                return Results.BadRequest();
            }
            return valid ? await next(context) : Results.StatusCode(StatusCodes.Status403Forbidden);
        });

    public static async Task<bool> IsValidAsync(HttpRequest request, TwilioOptions options)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(options.AuthToken))
        {
            return false;
        }
        // Ordinal: Twilio's parameter names are case-sensitive, and the default comparer hashed each name through ICU.
        var parameters = new NameValueCollection(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var (key, values) in form)
            {
                // Repeated keys are signed as their values joined with commas, as Twilio's helper libraries do.
                parameters.Add(key, string.Join(",", values.ToArray()));
            }
        }
        return new RequestValidator(options.AuthToken).Validate(PublicUrl(request, options), parameters, signature);
    }

    /// <summary>The URL as Twilio requested it: the configured public base when set, else what the (forwarded) request says.</summary>
    public static string PublicUrl(HttpRequest request, TwilioOptions options) =>
        string.IsNullOrEmpty(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}"
            : $"{options.PublicBaseUrl.TrimEnd('/')}{request.PathBase}{request.Path}{request.QueryString}";
}
