using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// The call status callback: when a call ends before anything came of it (no case opened, nobody reached, no callback
/// asked for), an abandoned-call task keeps whatever the caller had given so an agent can call back.
/// </summary>
public sealed partial class CallEnd(WebTicketingDb db, CallLocks locks, TimeProvider time, ILogger<CallEnd> logger)
{
    private static readonly string[] Ended = ["completed", "busy", "failed", "no-answer", "canceled"];
    private static readonly string[] AgentReached = ["completed", "answered"];
    // Steps after which a caller hanging up is simply done: they heard their case's status.
    private static readonly string[] Finished = [nameof(VoiceStep.CaseMenu), nameof(VoiceStep.Note), nameof(VoiceStep.Done)];

    public async Task StatusAsync(VoiceCall call, CancellationToken ct)
    {
        // Another instance may save this call at the same moment (its last step, the same callback retried, or the
        // first webhook creating the session): then this decides again on what it says now.
        await locks.RunAsync(call.CallSid, db, () => EndAsync(call, ct), ct);
    }

    private async Task EndAsync(VoiceCall call, CancellationToken ct)
    {
        var status = call["CallStatus"];
        if (!Ended.Contains(status))
        {
            return;
        }
        var now = time.GetUtcNow();
        var session = await db.CallSessions.SingleOrDefaultAsync(s => s.CallSid == call.CallSid, ct);
        if (session is null)
        {
            // Hung up before the first webhook was answered: the caller ID is all there is, and worth a call back.
            session = new CallSession { CallSid = call.CallSid, Caller = call.From, Step = nameof(VoiceStep.Incoming), StartedAt = now, UpdatedAt = now };
            db.CallSessions.Add(session);
        }
        else
        {
            session.Version++;
        }
        session.EndedAt ??= now;
        session.EndStatus = status;
        session.UpdatedAt = now;
        if (IsAbandoned(session) && !await db.CallbackTasks.AnyAsync(t => t.CallSid == session.CallSid, ct))
        {
            db.CallbackTasks.Add(session.ToCallbackTask(CallbackReason.Abandoned, now));
            LogAbandoned(session.CallSid, session.Step);
        }
        await db.SaveChangesAsync(ct);
    }

    private bool IsAbandoned(CallSession session) =>
        !session.CaseOpened && !AgentReached.Contains(session.DialStatus) && !Finished.Contains(session.Step);

    [LoggerMessage(LogLevel.Information, "Call {CallSid} abandoned at {Step}: callback task stored")]
    private partial void LogAbandoned(string callSid, string step);
}
