using System.Security.Cryptography;
using System.Text;

namespace WebTicketing.Bench.LoadGen;

/// <summary>
/// X-Twilio-Signature as Twilio computes it (and its RequestValidator checks it): HMAC-SHA1 keyed by the auth token
/// over the full URL followed by every POST parameter, names sorted ordinally, name and value with no separator.
/// </summary>
public sealed class TwilioSignature(string authToken)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(authToken);

    public string Sign(string url, IEnumerable<KeyValuePair<string, string>> postParameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in postParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>Twilio's published test vector (twilio-csharp RequestValidatorTest): a wrong implementation stops the run.</summary>
    public static void SelfCheck()
    {
        var signature = new TwilioSignature("12345").Sign("https://mycompany.com/myapp.php?foo=1&bar=2",
        [
            new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675309"), new("Digits", "1234"),
            new("From", "+14158675309"), new("To", "+18005551212"),
        ]);
        if (signature != "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        {
            throw new InvalidOperationException($"Signature self-check failed: {signature}");
        }
    }
}
