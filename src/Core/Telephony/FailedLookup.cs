using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Telephony;

/// <summary>A maintenance code or case number that did not match, by phone or SMS: the raw material of guessing.</summary>
public sealed class FailedLookup
{
    public long Id { get; set; }
    /// <summary>Caller ID or SMS sender as received; withheld numbers share one bucket.</summary>
    public required string Caller { get; set; }
    public DateTimeOffset At { get; set; }
    public required string What { get; set; }
}

internal sealed class FailedLookupConfiguration : IEntityTypeConfiguration<FailedLookup>
{
    public void Configure(EntityTypeBuilder<FailedLookup> lookup) => lookup.HasIndex(l => new { l.Caller, l.At });
}

public sealed class LookupGuardOptions
{
    public int MaxFailures { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Limits failed code and case-number lookups per caller across calls and messages, so nobody can walk the number
/// space from one phone. Past the limit the caller is sent to an agent instead of being told what does not exist.
/// </summary>
public sealed partial class LookupGuard(WebTicketingDb db, TimeProvider time, IOptions<LookupGuardOptions> options, ILogger<LookupGuard> logger)
{
    public const string Withheld = "withheld";

    public async Task<bool> IsLockedOutAsync(string? caller, CancellationToken cancellationToken = default)
    {
        var key = KeyFor(caller);
        var since = time.GetUtcNow() - options.Value.Window;
        var failures = await db.Set<FailedLookup>().CountAsync(l => l.Caller == key && l.At >= since, cancellationToken);
        return failures >= options.Value.MaxFailures;
    }

    /// <summary>Records a miss and says whether the caller is now locked out.</summary>
    public async Task<bool> RecordFailureAsync(string? caller, string what, CancellationToken cancellationToken = default)
    {
        var key = KeyFor(caller);
        db.Set<FailedLookup>().Add(new FailedLookup { Caller = key, At = time.GetUtcNow(), What = what });
        await db.SaveChangesAsync(cancellationToken);
        var lockedOut = await IsLockedOutAsync(caller, cancellationToken);
        if (lockedOut)
        {
            LogLockedOut(key, what);
        }
        return lockedOut;
    }

    /// <summary>Caller IDs that are not E.164 (anonymous, restricted, Twilio's placeholders) identify nobody.</summary>
    public static string KeyFor(string? caller) => PhoneNumbers.IsE164(caller) ? caller! : Withheld;

    [LoggerMessage(LogLevel.Warning, "Lookups locked out for {Caller} after too many failures (last: {What})")]
    private partial void LogLockedOut(string caller, string what);
}
