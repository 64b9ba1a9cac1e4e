using WebTicketing.IvrWebhooks.DevPhone;

namespace WebTicketing.IvrWebhooks.Tests;

/// <summary>The dev phone's signer (which the tests sign with too) reproduces Twilio's published vector.</summary>
public sealed class SignatureVectorTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void Dev_phone_signer_matches_twilios_published_signature() =>
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", DevPhoneEndpoints.Signature("12345", Url, Parameters));
}
