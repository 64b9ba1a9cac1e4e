namespace WebTicketing.Core.Notifications;

/// <summary>How the outbox retries (<c>Sms</c> section).</summary>
public sealed class SmsOptions
{
    /// <summary>Sends tried before a transiently failing message is given up and shown as failed on its case.</summary>
    public int MaxAttempts { get; set; } = 6;
    /// <summary>Wait before the first retry; doubles each time (30 s, 1, 2, 4, 8 min with the defaults).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>
    /// How long a claimed message may stay Sending before it is presumed stuck by a crash mid-send and checked. Far
    /// longer than an HTTP call (the client times out at 30 s), so a live sender is never second-guessed.
    /// </summary>
    public TimeSpan SendingLease { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Messages the every-minute dispatcher sends per run.</summary>
    public int BatchSize { get; set; } = 50;

    public TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));
}
