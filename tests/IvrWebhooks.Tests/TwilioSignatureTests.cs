using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Twilio;

namespace WebTicketing.IvrWebhooks.Tests;

/// <summary>Twilio's published test vector (twilio-csharp RequestValidatorTest), checked through our URL reconstruction.</summary>
public sealed class TwilioSignatureTests
{
    private const string Signature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private static readonly TwilioOptions Options = new() { AuthToken = "12345" };

    private static HttpRequest Request(string signature, string scheme = "https", string host = "mycompany.com")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        context.Request.Path = "/myapp.php";
        context.Request.QueryString = new QueryString("?foo=1&bar=2");
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Form = new FormCollection(new Dictionary<string, StringValues>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+14158675309",
            ["Digits"] = "1234",
            ["From"] = "+14158675309",
            ["To"] = "+18005551212",
        });
        context.Request.Headers[TwilioRequestValidation.SignatureHeader] = signature;
        return context.Request;
    }

    [Fact]
    public async Task Twilios_published_signature_is_accepted() =>
        Assert.True(await TwilioRequestValidation.IsValidAsync(Request(Signature), Options));

    [Theory]
    [InlineData("NOT" + Signature)]
    [InlineData("")]
    public async Task A_wrong_or_missing_signature_is_refused(string signature) =>
        Assert.False(await TwilioRequestValidation.IsValidAsync(Request(signature), Options));

    [Fact]
    public async Task Behind_a_proxy_the_configured_public_url_is_what_gets_verified()
    {
        var seenByKestrel = Request(Signature, scheme: "http", host: "10.0.0.5:8080");

        Assert.False(await TwilioRequestValidation.IsValidAsync(seenByKestrel, Options));
        Assert.True(await TwilioRequestValidation.IsValidAsync(seenByKestrel, new TwilioOptions { AuthToken = "12345", PublicBaseUrl = "https://mycompany.com/" }));
    }

    [Fact]
    public async Task A_different_auth_token_refuses_the_same_request() =>
        Assert.False(await TwilioRequestValidation.IsValidAsync(Request(Signature), new TwilioOptions { AuthToken = "54321" }));
}
