using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Dial = Twilio.TwiML.Voice.Dial;
using PostMethod = global::Twilio.Http.HttpMethod;
using Twilio.Types;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// Puts the caller through to the on-call engineer of the case's support group and tier (the default group when
/// there is no case yet), and, when nobody answers, takes a voicemail or a callback request instead.
/// </summary>
public sealed partial class CallTransfer(WebTicketingDb db, CaseWorkflow workflow, TimeProvider time, IOptions<TwilioOptions> twilio, ILogger<CallTransfer> logger)
{
    private static readonly string[] Connected = ["completed", "answered"];

    public async Task<VoiceResponse> DialAsync(CallSession session, Phrases phrases, VoiceResponse response, CancellationToken ct)
    {
        MoveTo(session, VoiceStep.Transfer);
        var target = await OnCallAsync(session.CaseId, ct);
        if (target.Phone is null)
        {
            LogNobodyOnCall(session.CallSid, target.GroupId, target.Tier);
            return await NoAgentAsync(session, phrases, response, ct);
        }
        // The console's screen pop: stored so whichever console instance the agent uses can show it.
        db.TransferredCalls.Add(new TransferredCall
        {
            CallSid = session.CallSid,
            At = time.GetUtcNow(),
            CallerPhone = PhoneNumbers.IsE164(session.Caller) ? session.Caller : session.CallbackPhone,
            CaseId = session.CaseId,
            SupportGroupId = target.GroupId,
            Tier = target.Tier,
            DialedPhone = target.Phone,
        });
        if (session.CaseId is { } caseId)
        {
            await workflow.RecordCallEventAsync(caseId, CaseEventKind.CallTransferred, $"tier {target.Tier}, {target.Phone}", isPublic: false, Actor.Phone, ct);
        }
        phrases.Say(response, phrases["Transferring"]);
        var dial = new Dial(
            action: new Uri(VoiceUrls.For(VoiceStep.DialResult), UriKind.Relative),
            method: PostMethod.Post,
            timeout: 30,
            callerId: twilio.Value.PhoneNumber,
            // The caller keeps hearing ringing until the agent has heard the whisper and is actually connected.
            answerOnBridge: true);
        dial.Number(new PhoneNumber(target.Phone),
            url: VoiceUrls.Callback($"{VoiceUrls.Whisper}?call={Uri.EscapeDataString(session.CallSid)}", twilio.Value.PublicBaseUrl),
            method: PostMethod.Post);
        return response.Append(dial);
    }

    public async Task<VoiceResponse> DialResultAsync(CallSession session, VoiceCall call, Phrases phrases, CancellationToken ct)
    {
        var status = call["DialCallStatus"] ?? "failed";
        session.DialStatus = status;
        var transferred = await db.TransferredCalls.Where(t => t.CallSid == session.CallSid)
            .OrderByDescending(t => t.Id).FirstOrDefaultAsync(ct);
        if (transferred is not null)
        {
            transferred.DialStatus = status;
        }
        if (Connected.Contains(status))
        {
            MoveTo(session, VoiceStep.Done);
            return new VoiceResponse().Hangup();
        }
        return await NoAgentAsync(session, phrases, new VoiceResponse(), ct);
    }

    private async Task<VoiceResponse> NoAgentAsync(CallSession session, Phrases phrases, VoiceResponse response, CancellationToken ct)
    {
        MoveTo(session, VoiceStep.Voicemail);
        if (session.CaseId is null)
        {
            // Stored before the message is left: the request stands even if the caller hangs up at the beep.
            if (!await db.CallbackTasks.AnyAsync(t => t.CallSid == session.CallSid && t.Reason == CallbackReason.CallbackRequested, ct))
            {
                db.CallbackTasks.Add(session.ToCallbackTask(CallbackReason.CallbackRequested, time.GetUtcNow()));
            }
            phrases.Say(response, phrases["NoAgentCallback"]);
        }
        else
        {
            phrases.Say(response, phrases["NoAgentVoicemail"]);
        }
        Phrases.Record(response, VoiceUrls.For(VoiceStep.Voicemail), RecordingPurpose.Voicemail, twilio.Value.PublicBaseUrl);
        phrases.Say(response, phrases["Goodbye"]);
        return response.Hangup();
    }

    public async Task<VoiceResponse> VoicemailAsync(CallSession session, VoiceCall call, Phrases phrases, string? typed, CancellationToken ct)
    {
        var response = new VoiceResponse();
        MoveTo(session, VoiceStep.Done);
        if (call.RecordingSid is null && typed is null)
        {
            phrases.Say(response, phrases["Goodbye"]);
            return response.Hangup();
        }
        var text = typed ?? $"{call.RecordingSid}, {call["RecordingDuration"] ?? "?"} s";
        if (session.CaseId is { } caseId)
        {
            await workflow.RecordCallEventAsync(caseId, CaseEventKind.Voicemail, text, isPublic: true, Actor.Phone, ct);
        }
        else if (await db.CallbackTasks.SingleOrDefaultAsync(t => t.CallSid == session.CallSid && t.Reason == CallbackReason.CallbackRequested, ct) is { } task)
        {
            task.RecordingSid = call.RecordingSid ?? task.RecordingSid;
            task.Transcription = typed ?? task.Transcription;
        }
        phrases.Say(response, phrases["VoicemailSaved"]);
        phrases.Say(response, phrases["Goodbye"]);
        return response.Hangup();
    }

    /// <summary>The agent hears which case is coming before the caller is connected.</summary>
    public async Task<VoiceResponse> WhisperAsync(string? callSid, VoiceNames voices, CancellationToken ct)
    {
        var session = await db.CallSessions.AsNoTracking().SingleOrDefaultAsync(s => s.CallSid == callSid, ct);
        var phrases = new Phrases(session?.Language ?? Core.Directory.Language.Es, voices);
        var @case = session?.CaseId is { } caseId
            ? await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.Number, c.Severity }).SingleOrDefaultAsync(ct)
            : null;
        var response = new VoiceResponse();
        return phrases.Say(response, @case is null
            ? phrases["WhisperNoCase"]
            : phrases.Format("Whisper", Phrases.DigitByDigit(CaseNumber.TryParse(@case.Number, out var n) ? n.Grouped : @case.Number), (int)@case.Severity));
    }

    private async Task<(int GroupId, int Tier, string? Phone)> OnCallAsync(int? caseId, CancellationToken ct)
    {
        var routed = caseId is { } id
            ? await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.SupportGroup, c.Tier }).SingleOrDefaultAsync(ct)
            : null;
        var group = routed?.SupportGroup
            ?? await db.SupportGroups.AsNoTracking().Where(g => g.IsDefault).OrderBy(g => g.Id).FirstOrDefaultAsync(ct);
        if (group is null)
        {
            return (0, 1, null);
        }
        var tier = routed?.Tier ?? 1;
        // A tier without its own on-call number falls back to first line rather than leaving the caller unanswered.
        return (group.Id, tier, group.OnCallPhone(tier) ?? group.Tier1OnCallPhone);
    }

    private static void MoveTo(CallSession session, VoiceStep step)
    {
        session.Step = step.ToString();
        session.Attempts = 0;
    }

    [LoggerMessage(LogLevel.Warning, "Call {CallSid}: support group {GroupId} has no on-call number for tier {Tier}")]
    private partial void LogNobodyOnCall(string callSid, int groupId, int tier);
}
