using Microsoft.Extensions.Options;

namespace WebTicketing.Core.Telephony;

/// <summary>
/// Twilio settings (<c>Twilio</c> section). In Local mode nothing reaches Twilio: SMS stay in the local outbox and
/// the dev phone plays Twilio's part, signing its webhooks with the same <see cref="AuthToken"/>.
/// </summary>
public sealed class TwilioOptions
{
    public TwilioMode Mode { get; set; } = TwilioMode.Local;
    public string? AccountSid { get; set; }
    /// <summary>Signs and verifies webhooks (<c>X-Twilio-Signature</c>) and authenticates REST calls. Never in the repo.</summary>
    public string? AuthToken { get; set; }
    /// <summary>The support line, E.164: caller ID on transfers, sender of SMS unless a messaging service is set.</summary>
    public string? PhoneNumber { get; set; }
    public string? MessagingServiceSid { get; set; }
    /// <summary>
    /// The public base URL Twilio calls (e.g. https://support.example.com). Signatures are computed over the URL Twilio
    /// requested, which behind a proxy or tunnel is not what Kestrel sees; when unset, forwarded headers decide.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>Where the REST client sends requests instead of https://api.twilio.com (tests: a local mock of Twilio).</summary>
    public string? ApiBaseUrl { get; set; }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(AuthToken))
        {
            yield return "Twilio:AuthToken is required in every mode: webhooks are always signed (Local mode signs with it too).";
        }
        if (PublicBaseUrl is { Length: > 0 } && !Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out _))
        {
            yield return $"Twilio:PublicBaseUrl '{PublicBaseUrl}' is not an absolute URL.";
        }
        if (ApiBaseUrl is { Length: > 0 } && !Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out _))
        {
            yield return $"Twilio:ApiBaseUrl '{ApiBaseUrl}' is not an absolute URL.";
        }
        if (Mode == TwilioMode.Live)
        {
            if (string.IsNullOrWhiteSpace(AccountSid))
            {
                yield return "Twilio:AccountSid is required in Live mode.";
            }
            if (string.IsNullOrWhiteSpace(PhoneNumber) && string.IsNullOrWhiteSpace(MessagingServiceSid))
            {
                yield return "Twilio:PhoneNumber or Twilio:MessagingServiceSid is required in Live mode.";
            }
        }
    }
}

public enum TwilioMode
{
    Local,
    Live,
}

internal sealed class TwilioOptionsValidation : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
