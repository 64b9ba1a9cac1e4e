using Microsoft.EntityFrameworkCore;

namespace WebTicketing.Core.Telephony;

/// <summary>
/// One webhook of a call at a time in this process. Twilio may retry a slow step, and the status and recording
/// callbacks can land while a step of the same call is still being answered; queued here they never collide on the
/// call's session. This is for speed only: another instance can still answer the same call, which the session's
/// version check and a fresh read handle (<see cref="RunAsync{T}"/>).
/// </summary>
public sealed class CallLocks
{
    /// <summary>
    /// Each collision means another webhook of the same call was committed in between, and a call has only a handful
    /// in flight at once (a step, its retry, the status and recording callbacks), so this many is never reached in
    /// practice; no pause is needed because the fresh read already sees the winner's write.
    /// </summary>
    private const int Attempts = 10;

    private readonly Dictionary<string, Gate> gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs <paramref name="work"/> for the call alone in this process; when another instance saved the call's session
    /// first (the save fails on its version or its key), forgets what <paramref name="db"/> tracked and runs it again
    /// on a fresh read.
    /// </summary>
    public async Task<T> RunAsync<T>(string callSid, DbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        using var _ = await EnterAsync(callSid, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public Task RunAsync(string callSid, DbContext db, Func<Task> work, CancellationToken cancellationToken) =>
        RunAsync(callSid, db, async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    private async ValueTask<IDisposable> EnterAsync(string callSid, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (gates)
        {
            if (!gates.TryGetValue(callSid, out gate!))
            {
                gates[callSid] = gate = new Gate();
            }
            gate.Users++;
        }
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(callSid, gate);
            throw;
        }
        return new Held(this, callSid, gate);
    }

    /// <summary>Calls with a webhook in flight or queued; the others hold no memory here.</summary>
    public int Count
    {
        get
        {
            lock (gates)
            {
                return gates.Count;
            }
        }
    }

    private void Leave(string callSid, Gate gate)
    {
        lock (gates)
        {
            if (--gate.Users == 0)
            {
                gates.Remove(callSid);
            }
        }
    }

    private sealed class Gate
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public int Users;
    }

    private sealed class Held(CallLocks locks, string callSid, Gate gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Semaphore.Release();
                locks.Leave(callSid, gate);
            }
        }
    }
}
