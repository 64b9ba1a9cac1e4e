using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;

namespace WebTicketing.AgentConsole.Cases;

/// <summary>
/// Recordings and attachments live under Storage:Root, never in wwwroot: every byte is served through an endpoint
/// that checks the case is visible to the user (another organization's file answers 404 like its case).
/// </summary>
public sealed class CaseFiles(WebTicketingDb db, CurrentUser user, IOptions<StorageOptions> storage)
{
    public const long MaxAttachmentBytes = 5 * 1024 * 1024;
    public const int MaxAttachments = 5;

    private static readonly (string ContentType, string Extension, byte[] Magic)[] Signatures =
    [
        ("image/png", ".png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/jpeg", ".jpg", [0xFF, 0xD8, 0xFF]),
        ("application/pdf", ".pdf", "%PDF-"u8.ToArray()),
    ];

    /// <summary>
    /// The content type decided from the bytes, not from the name or the browser's claim: PNG, JPEG and PDF by their
    /// magic numbers; plain text when the start is valid UTF-8 with no control characters besides whitespace.
    /// </summary>
    public static string? DetectContentType(ReadOnlySpan<byte> head)
    {
        foreach (var (contentType, _, magic) in Signatures)
        {
            if (head.StartsWith(magic))
            {
                return contentType;
            }
        }
        return LooksLikeText(head) ? "text/plain" : null;
    }

    public static string ExtensionFor(string contentType) =>
        Signatures.FirstOrDefault(s => s.ContentType == contentType).Extension ?? ".txt";

    /// <summary>Reads an upload and checks its size and type; a problem instead of bytes when refused.</summary>
    public static async Task<(byte[]? Bytes, string? ContentType, string? Problem)> ReadUploadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        if (file.Length == 0)
        {
            return (null, null, "is empty");
        }
        if (file.Length > MaxAttachmentBytes)
        {
            return (null, null, "is larger than 5 MB");
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var contentType = DetectContentType(bytes.AsSpan(0, Math.Min(bytes.Length, 4096)));
        return contentType is null ? (null, null, "is not a PNG, JPEG, PDF or plain text file") : (bytes, contentType, null);
    }

    public async Task<CaseAttachment> StoreAsync(int caseId, string fileName, byte[] bytes, string contentType, CancellationToken cancellationToken)
    {
        var relative = Path.Combine(caseId.ToString(System.Globalization.CultureInfo.InvariantCulture), Guid.NewGuid().ToString("n") + ExtensionFor(contentType));
        var full = Path.Combine(storage.Value.AttachmentsPath, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, bytes, cancellationToken);
        return new CaseAttachment
        {
            FileName = Path.GetFileName(fileName).Trim() is { Length: > 0 } name ? name[..Math.Min(name.Length, 200)] : "attachment",
            StoredPath = relative.Replace('\\', '/'),
            ContentType = contentType,
            Length = bytes.Length,
            AddedBy = "",
        };
    }

    public async Task<Results<PhysicalFileHttpResult, NotFound>> RecordingAsync(string number, CancellationToken cancellationToken)
    {
        var found = await db.Cases.AsNoTracking().Where(c => c.Number == number)
            .Select(c => new { c.OrganizationId, c.RecordingPath }).SingleOrDefaultAsync(cancellationToken);
        if (found is null || !user.MaySee(found.OrganizationId) || found.RecordingPath is null
            || Inside(storage.Value.RecordingsPath, found.RecordingPath) is not { } path || !File.Exists(path))
        {
            return TypedResults.NotFound();
        }
        return Audio(path);
    }

    /// <summary>A recording with range requests, so the player can seek.</summary>
    public static PhysicalFileHttpResult Audio(string path) =>
        TypedResults.PhysicalFile(path, Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".wav" => "audio/wav",
            ".ogg" => "audio/ogg",
            _ => "audio/mpeg",
        }, enableRangeProcessing: true);

    public async Task<Results<PhysicalFileHttpResult, NotFound>> AttachmentAsync(string number, int id, CancellationToken cancellationToken)
    {
        var found = await db.CaseAttachments.AsNoTracking()
            .Where(a => a.Id == id && a.Case.Number == number)
            .Select(a => new { a.Case.OrganizationId, a.StoredPath, a.ContentType, a.FileName, a.IsPublic })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null || !user.MaySee(found.OrganizationId) || (!found.IsPublic && !user.IsStaff)
            || Inside(storage.Value.AttachmentsPath, found.StoredPath) is not { } path || !File.Exists(path))
        {
            return TypedResults.NotFound();
        }
        // Served as a download with the detected type, so an uploaded file never runs as a page of this site.
        return TypedResults.PhysicalFile(path, found.ContentType, found.FileName);
    }

    /// <summary>Resolves a stored relative path and refuses anything that climbs out of its store.</summary>
    public static string? Inside(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }
        foreach (var b in head)
        {
            if (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }
        // A multi-byte character cut at the end of the sample is still text.
        var decoder = new System.Text.UTF8Encoding(false, true);
        try
        {
            decoder.GetCharCount(head[..TrimIncompleteUtf8(head)]);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    private static int TrimIncompleteUtf8(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        for (var back = 1; back <= 3 && end - back >= 0; back++)
        {
            var b = bytes[end - back];
            if ((b & 0xC0) == 0xC0)
            {
                return end - back;
            }
            if ((b & 0x80) == 0)
            {
                return end;
            }
        }
        return end;
    }
}

public static class CaseFileEndpoints
{
    public static IEndpointRouteBuilder MapCaseFiles(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/cases/{number}").RequireAuthorization();
        files.MapGet("/recording", (string number, CaseFiles caseFiles, CancellationToken ct) => caseFiles.RecordingAsync(number, ct));
        files.MapGet("/attachments/{id:int}", (string number, int id, CaseFiles caseFiles, CancellationToken ct) => caseFiles.AttachmentAsync(number, id, ct));
        return app;
    }
}
