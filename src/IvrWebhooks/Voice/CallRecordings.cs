using Hangfire;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// Recording and transcription callbacks. The webhook only queues the download: the file is fetched from Twilio by
/// a job, so no webhook ever waits on Twilio.
/// </summary>
public sealed partial class CallRecordings(WebTicketingDb db, CaseWorkflow workflow, IBackgroundJobClient jobs, ILogger<CallRecordings> logger)
{
    public void RecordingStatus(VoiceCall call, RecordingPurpose purpose)
    {
        var status = call["RecordingStatus"];
        if (status != "completed" || call.RecordingSid is not { } sid || call.RecordingUrl is not { } url)
        {
            // absent (silence, too short) or failed: nothing to fetch; the call flow already handled the missing audio.
            LogNoRecording(call.CallSid, status);
            return;
        }
        jobs.Enqueue<RecordingDownload>(job => job.RunAsync(call.CallSid, sid, url, purpose, CancellationToken.None));
    }

    public async Task TranscriptionAsync(VoiceCall call, CancellationToken ct)
    {
        if (call["TranscriptionStatus"] != "completed" || call["TranscriptionText"] is not { } text)
        {
            return;
        }
        var session = await db.CallSessions.AsNoTracking().SingleOrDefaultAsync(s => s.CallSid == call.CallSid, ct);
        if (session is { CaseOpened: true, CaseId: { } caseId })
        {
            await workflow.AttachTranscriptionAsync(caseId, text, Actor.Phone, ct);
            return;
        }
        await db.CallbackTasks.Where(t => t.CallSid == call.CallSid)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.Transcription, text), ct);
    }

    [LoggerMessage(LogLevel.Information, "Call {CallSid}: recording status {Status}, nothing to download")]
    private partial void LogNoRecording(string callSid, string? status);
}
