using System.Net.Http.Headers;
using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Core.Telephony;

public enum RecordingPurpose
{
    Description,
    Note,
    Voicemail,
}

/// <summary>
/// Downloads a call recording into <c>&lt;Storage:Root&gt;/recordings/</c> and links it to the call's case, or to its
/// callback task when no case was opened. Safe to run twice: a file already there is not fetched again and a
/// recording already linked is not linked again.
/// </summary>
public sealed partial class RecordingDownload(
    IHttpClientFactory http,
    WebTicketingDb db,
    CaseWorkflow workflow,
    CallLocks locks,
    IOptions<StorageOptions> storage,
    IOptions<TwilioOptions> twilio,
    ILogger<RecordingDownload> logger)
{
    public const string HttpClientName = "twilio-recordings";

    // Twilio may take a while to make a long recording available; backing off spares both sides.
    [AutomaticRetry(Attempts = 8, DelaysInSeconds = [5, 15, 60, 300, 900, 1800, 3600, 7200])]
    [Queue(PhoneJobs.Queue)]
    public async Task RunAsync(string callSid, string recordingSid, string recordingUrl, RecordingPurpose purpose, CancellationToken ct)
    {
        var file = await DownloadAsync(recordingSid, recordingUrl, ct);
        // The call flow (perhaps on another instance) may save the session meanwhile, opening the case: then look again.
        await locks.RunAsync(callSid, db, () => LinkAsync(callSid, recordingSid, purpose, file, ct), ct);
    }

    private async Task LinkAsync(string callSid, string recordingSid, RecordingPurpose purpose, string file, CancellationToken ct)
    {
        var session = await db.CallSessions.SingleOrDefaultAsync(s => s.CallSid == callSid, ct);
        if (session?.CaseId is { } caseId && (purpose != RecordingPurpose.Description || session.CaseOpened))
        {
            await workflow.AttachRecordingAsync(caseId, recordingSid, file, purpose == RecordingPurpose.Description, Actor.Phone, ct);
            LogAttached(recordingSid, caseId);
            return;
        }
        // No case (yet): the call flow links it when it opens one; a callback task gets it now.
        if (session is not null && purpose == RecordingPurpose.Description)
        {
            session.RecordingSid = recordingSid;
            session.RecordingPath = file;
            session.Version++;
            await db.SaveChangesAsync(ct);
        }
        await db.CallbackTasks.Where(t => t.CallSid == callSid)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.RecordingSid, recordingSid).SetProperty(x => x.RecordingPath, file), ct);
    }

    /// <summary>The file name under the recordings store.</summary>
    private async Task<string> DownloadAsync(string recordingSid, string recordingUrl, CancellationToken ct)
    {
        var folder = storage.Value.RecordingsPath;
        System.IO.Directory.CreateDirectory(folder);
        if (System.IO.Directory.EnumerateFiles(folder, $"{recordingSid}.*").FirstOrDefault() is { } existing)
        {
            return Path.GetFileName(existing);
        }
        var options = twilio.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, recordingUrl + ".wav");
        var credentials = $"{options.AccountSid ?? "local"}:{options.AuthToken}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var name = recordingSid + Extension(response.Content.Headers.ContentType?.MediaType);
        var partial = Path.Combine(folder, $"{name}.{Guid.NewGuid():n}.part");
        await using (var target = File.Create(partial))
        {
            await response.Content.CopyToAsync(target, ct);
        }
        // Renamed only once complete, so a half-written file is never taken for the recording.
        File.Move(partial, Path.Combine(folder, name), overwrite: true);
        return name;
    }

    // The dev phone uploads what the browser records (webm/ogg); Twilio serves wav.
    private static string Extension(string? mediaType) => mediaType switch
    {
        "audio/mpeg" => ".mp3",
        "audio/webm" => ".webm",
        "audio/ogg" => ".ogg",
        _ => ".wav",
    };

    [LoggerMessage(LogLevel.Information, "Recording {RecordingSid} attached to case {CaseId}")]
    private partial void LogAttached(string recordingSid, int caseId);
}
