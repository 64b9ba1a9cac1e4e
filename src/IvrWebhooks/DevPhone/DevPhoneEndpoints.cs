using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Twilio;

namespace WebTicketing.IvrWebhooks.DevPhone;

/// <summary>
/// <c>/dev/phone</c>: a page that plays Twilio's part so the IVR can be called with no Twilio account. Development
/// only: it signs whatever it is given with the auth token, which must never be reachable in production.
/// </summary>
public static class DevPhoneEndpoints
{
    public static WebApplication MapDevPhone(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return app;
        }
        var phone = app.MapGroup("/dev/phone").ExcludeFromDescription();
        phone.MapGet("/", () => Asset("phone.html", "text/html; charset=utf-8"));
        phone.MapGet("/phone.js", () => Asset("phone.js", "text/javascript; charset=utf-8"));
        phone.MapGet("/phone.css", () => Asset("phone.css", "text/css; charset=utf-8"));
        phone.MapPost("/sign", Sign);
        phone.MapPost("/recordings", UploadAsync).DisableAntiforgery();
        phone.MapGet("/recordings/{file}", DownloadAsync);
        phone.MapGet("/outbox", OutboxAsync);
        phone.MapGet("/directory", DirectoryAsync);
        phone.MapPost("/demo", async (WebTicketingDb db, TimeProvider time, CancellationToken ct) =>
            Results.Ok(new { added = await DemoDirectory.EnsureAsync(db, time, ct) }));
        return app;
    }

    public sealed record SignRequest(string Path, Dictionary<string, string> Parameters);

    /// <summary>The signature Twilio would send for this path and these parameters, over the URL the validator will rebuild.</summary>
    private static IResult Sign(SignRequest body, HttpRequest request, IOptionsMonitor<TwilioOptions> twilio)
    {
        var options = twilio.CurrentValue;
        var baseUrl = string.IsNullOrEmpty(options.PublicBaseUrl) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : options.PublicBaseUrl.TrimEnd('/');
        return Results.Ok(new { signature = Signature(options.AuthToken!, baseUrl + body.Path, body.Parameters) });
    }

    public static string Signature(string authToken, string url, IDictionary<string, string> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>
    /// Keeps what the browser recorded and answers with a recording URL, as Twilio does; the download job then fetches
    /// it from <see cref="DownloadAsync"/> with Basic auth, exactly the path a real recording takes.
    /// </summary>
    private static async Task<IResult> UploadAsync(IFormFile audio, HttpRequest request, IOptions<StorageOptions> storage, CancellationToken ct)
    {
        var sid = "REdev" + Guid.NewGuid().ToString("n")[..27];
        var folder = DevFolder(storage.Value);
        System.IO.Directory.CreateDirectory(folder);
        await using (var file = File.Create(Path.Combine(folder, sid)))
        {
            await audio.CopyToAsync(file, ct);
        }
        var mediaType = (audio.ContentType ?? "audio/webm").Split(';')[0];
        await File.WriteAllTextAsync(Path.Combine(folder, sid + ".type"), mediaType, ct);
        return Results.Ok(new { recordingSid = sid, recordingUrl = $"{request.Scheme}://{request.Host}{request.PathBase}/dev/phone/recordings/{sid}" });
    }

    private static async Task<IResult> DownloadAsync(string file, HttpRequest request, IOptions<StorageOptions> storage, IOptionsMonitor<TwilioOptions> twilio, CancellationToken ct)
    {
        var options = twilio.CurrentValue;
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid ?? "local"}:{options.AuthToken}"));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString()), Encoding.UTF8.GetBytes(expected)))
        {
            return Results.Unauthorized();
        }
        // Twilio's URL takes .wav or .mp3; the dev phone serves what the browser recorded whatever is asked for.
        var sid = Path.GetFileNameWithoutExtension(file);
        var path = Path.Combine(DevFolder(storage.Value), sid);
        if (!sid.All(char.IsAsciiLetterOrDigit) || !File.Exists(path))
        {
            return Results.NotFound();
        }
        return Results.File(await File.ReadAllBytesAsync(path, ct), await File.ReadAllTextAsync(path + ".type", ct));
    }

    private static async Task<IResult> OutboxAsync(WebTicketingDb db, CancellationToken ct) =>
        Results.Ok(await db.Outbox.AsNoTracking().OrderByDescending(m => m.Id).Take(20)
            .Select(m => new { m.Id, m.To, m.Body, Status = m.Status.ToString(), m.CreatedAt }).ToListAsync(ct));

    /// <summary>Codes and contacts to try, so a newcomer does not have to look them up in the database.</summary>
    private static async Task<IResult> DirectoryAsync(WebTicketingDb db, CancellationToken ct) =>
        Results.Ok(new
        {
            codes = await db.MaintenanceCodes.AsNoTracking().OrderBy(c => c.Id).Take(8)
                .Select(c => new { c.Code, Organization = c.Equipment.Site.Organization.Name, Site = c.Equipment.Site.Name, c.Equipment.Product }).ToListAsync(ct),
            contacts = await db.Contacts.AsNoTracking().Where(c => c.Phone != null).OrderBy(c => c.Id).Take(8)
                .Select(c => new { c.Name, c.Phone, Organization = c.Organization.Name, Language = c.Language.ToString() }).ToListAsync(ct),
            cases = await db.Cases.AsNoTracking().OrderByDescending(c => c.Id).Take(5).Select(c => new { c.Number, Status = c.Status.ToString() }).ToListAsync(ct),
        });

    private static string DevFolder(StorageOptions storage) => Path.Combine(storage.FullRoot, "dev-phone");

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(DevPhoneEndpoints).Assembly.GetManifestResourceStream($"DevPhone.{name}")
            ?? throw new InvalidOperationException($"Dev phone asset {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return Results.Content(reader.ReadToEnd(), contentType);
    }
}
