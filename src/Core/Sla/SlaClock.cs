using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Sla;

/// <summary>
/// Computes and updates a case's <see cref="SlaState"/> when something happens to the case. Plain arithmetic over the
/// case and its region's calendar (<see cref="Case.Region"/> must be loaded): no database, no jobs.
/// <see cref="CaseWorkflow"/> calls it inside each change, then schedules the <see cref="Checkpoints"/> that moved.
/// </summary>
public sealed partial class SlaClock(IOptions<SlaOptions> options, ILogger<SlaClock> logger)
{
    /// <summary>Stands in for a region calendar that fails validation: targets come sooner, never later.</summary>
    private static readonly BusinessCalendarOptions RoundTheClock = new()
    {
        TimeZone = "UTC",
        Hours = Enum.GetNames<DayOfWeek>().ToDictionary(day => day, _ => new List<string> { "00:00-24:00" }),
    };

    private readonly ConcurrentDictionary<string, BusinessCalendar> calendars = new();

    private SlaOptions Policy => options.Value;

    public bool IsUrgent(Case @case) => Policy.IsUrgent(@case.Severity);

    /// <summary>The calendar of the case's region; built once per distinct calendar, so its day cache is shared.</summary>
    public BusinessCalendar CalendarOf(Case @case)
    {
        var region = @case.Region ?? throw new InvalidOperationException($"Case {@case.Number}: load its Region before using the SLA clock.");
        var key = JsonSerializer.Serialize(region.Calendar, JsonSerializerOptions.Web);
        return calendars.GetOrAdd(key, _ =>
        {
            if (region.Calendar.Validate() is { Count: > 0 } problems)
            {
                // A case must open even when its region's calendar is broken; the directory import refuses such
                // calendars, so this is data written some other way. Said loudly, once per calendar.
                LogInvalidCalendar(region.Code, string.Join("; ", problems));
                return new BusinessCalendar(RoundTheClock);
            }
            return new BusinessCalendar(region.Calendar);
        });
    }

    [LoggerMessage(LogLevel.Error, "Region {Region} has an invalid calendar ({Problems}); its SLA targets run round the clock in UTC until it is fixed")]
    private partial void LogInvalidCalendar(string region, string problems);

    /// <summary>A new case: its first target and tier 1's resolution budget start now.</summary>
    public void Open(Case @case, DateTimeOffset now)
    {
        StartFirstTarget(@case, now);
        StartResolutionBudget(@case, now);
        Settle(@case, now);
    }

    /// <summary>
    /// WaitingOnCustomer pauses the resolution clock (not the first target); leaving it resumes with the time that
    /// was left; Resolved stops every clock; a reopen starts a fresh budget for the current tier.
    /// </summary>
    public void StatusChanged(Case @case, CaseStatus from, DateTimeOffset now)
    {
        var sla = @case.Sla;
        switch (@case.Status)
        {
            case CaseStatus.WaitingOnCustomer:
                Pause(@case, now);
                break;
            case CaseStatus.InProgress when from == CaseStatus.Resolved:
                StartResolutionBudget(@case, now);
                break;
            case CaseStatus.InProgress when from == CaseStatus.WaitingOnCustomer:
                Resume(@case, now);
                break;
            case CaseStatus.Resolved or CaseStatus.Closed:
                sla.ResolutionDueAt = sla.ResolutionWarnAt = sla.ResolutionPausedAt = null;
                sla.ResolutionRemaining = null;
                break;
        }
        Settle(@case, now);
    }

    /// <summary>
    /// A severity change re-targets from the moment of the change: a first target still pending is replaced by the new
    /// severity's (so a case raised to urgent owes a start of work within 2 h from now), and the current tier's
    /// resolution budget restarts under the new severity. A missed or met first target stays as it was.
    /// </summary>
    public void SeverityChanged(Case @case, Severity from, DateTimeOffset now)
    {
        var sla = @case.Sla;
        if (sla.FirstTargetMetAt is null && !sla.FirstTargetBreached && Policy.IsUrgent(from) != IsUrgent(@case))
        {
            StartFirstTarget(@case, now);
        }
        if (@case.IsOpen)
        {
            StartResolutionBudget(@case, now);
        }
        Settle(@case, now);
    }

    /// <summary>The case reached a new tier (by hand or because a budget ran out): that tier's budget starts now.</summary>
    public void Escalated(Case @case, DateTimeOffset now)
    {
        StartResolutionBudget(@case, now);
        Settle(@case, now);
    }

    /// <summary>
    /// Marks the first target met from the case's facts (work start, first response, resolution) and recomputes the
    /// columns the console sorts by and the sweep queries. Safe to call after any change.
    /// </summary>
    public void Settle(Case @case, DateTimeOffset now)
    {
        var sla = @case.Sla;
        if (sla.FirstTargetMetAt is null && FirstTargetMetBy(@case) is { } met)
        {
            sla.FirstTargetMetAt = met;
            // Met after its due instant but before a job noticed: still a miss, on the record without the alarms.
            sla.FirstTargetBreached |= met > sla.FirstTargetDueAt;
        }
        DateTimeOffset? firstDue = sla.FirstTargetMetAt is null && sla.FirstTargetDueAt != default ? sla.FirstTargetDueAt : null;
        sla.NextDueAt = Earliest(firstDue, sla.ResolutionDueAt);
        sla.NextCheckAt = Checkpoints(sla).Select(p => (DateTimeOffset?)p.At).Min();
    }

    /// <summary>The moments still ahead for the jobs: a warning not yet given and a due not yet processed, per target.</summary>
    public static IReadOnlyList<SlaCheckpoint> Checkpoints(SlaState sla)
    {
        var points = new List<SlaCheckpoint>(4);
        if (sla.FirstTargetDueAt != default && sla.FirstTargetMetAt is null && !sla.FirstTargetBreached)
        {
            if (!sla.FirstTargetWarned)
            {
                points.Add(new(sla.FirstTarget, SlaCheck.Warning, sla.FirstTargetWarnAt, sla.FirstTargetDueAt));
            }
            points.Add(new(sla.FirstTarget, SlaCheck.Breach, sla.FirstTargetDueAt, sla.FirstTargetDueAt));
        }
        if (sla.ResolutionDueAt is { } due)
        {
            if (!sla.ResolutionWarned && sla.ResolutionWarnAt is { } warn)
            {
                points.Add(new(SlaTargetKind.Resolution, SlaCheck.Warning, warn, due));
            }
            points.Add(new(SlaTargetKind.Resolution, SlaCheck.Breach, due, due));
        }
        return points;
    }

    /// <summary>
    /// Takes the checkpoints that are due at <paramref name="now"/>, marking them warned or breached, and returns
    /// them for the caller to act on (events, escalation, SMS). A warning whose due has also passed is dropped: after
    /// a restart the breach alone goes out. Taking again at the same instant returns nothing.
    /// </summary>
    public IReadOnlyList<SlaCheckpoint> TakeDue(Case @case, DateTimeOffset now)
    {
        var sla = @case.Sla;
        var due = Checkpoints(sla).Where(p => p.At <= now).ToList();
        var taken = new List<SlaCheckpoint>();
        foreach (var point in due)
        {
            var first = point.Target != SlaTargetKind.Resolution;
            if (point.Check == SlaCheck.Warning)
            {
                if (first) sla.FirstTargetWarned = true; else sla.ResolutionWarned = true;
                if (due.Any(p => p.Target == point.Target && p.Check == SlaCheck.Breach))
                {
                    continue;
                }
            }
            else if (first)
            {
                sla.FirstTargetBreached = true;
            }
            else
            {
                sla.ResolutionBreached = true;
                sla.ResolutionDueAt = sla.ResolutionWarnAt = null;
            }
            taken.Add(point);
        }
        Settle(@case, now);
        return taken;
    }

    /// <summary>Working (or, for urgent cases, elapsed) time left in the current tier's budget; negative when overdue.</summary>
    public TimeSpan? ResolutionTimeLeft(Case @case, DateTimeOffset now) => @case.Sla switch
    {
        { ResolutionRemaining: { } remaining } => remaining,
        { ResolutionDueAt: { } due } => Between(@case, now, due),
        _ => null,
    };

    private void StartFirstTarget(Case @case, DateTimeOffset now)
    {
        var sla = @case.Sla;
        sla.FirstTargetWarned = false;
        if (IsUrgent(@case))
        {
            sla.FirstTarget = SlaTargetKind.StartWork;
            sla.FirstTargetDueAt = now + Policy.StartWorkWithin;
            sla.FirstTargetWarnAt = now + Policy.StartWorkWithin * Policy.WarningAt;
        }
        else
        {
            var calendar = CalendarOf(@case);
            sla.FirstTarget = SlaTargetKind.FirstResponse;
            sla.FirstTargetDueAt = calendar.AddWorkingTime(now, Policy.FirstResponseWorkingTime);
            sla.FirstTargetWarnAt = calendar.AddWorkingTime(now, Policy.FirstResponseWorkingTime * Policy.WarningAt);
        }
    }

    private void StartResolutionBudget(Case @case, DateTimeOffset now)
    {
        var sla = @case.Sla;
        sla.ResolutionWarned = false;
        sla.ResolutionBudget = Policy.Budget(@case.Tier, @case.Severity);
        sla.ResolutionDueAt = sla.ResolutionWarnAt = sla.ResolutionPausedAt = null;
        sla.ResolutionRemaining = null;
        if (sla.ResolutionBudget is not { } budget)
        {
            return;
        }
        if (@case.Status == CaseStatus.WaitingOnCustomer)
        {
            sla.ResolutionRemaining = budget;
            sla.ResolutionPausedAt = now;
            return;
        }
        sla.ResolutionDueAt = Add(@case, now, budget);
        sla.ResolutionWarnAt = Add(@case, now, budget * Policy.WarningAt);
    }

    private void Pause(Case @case, DateTimeOffset now)
    {
        var sla = @case.Sla;
        if (sla.ResolutionDueAt is not { } due)
        {
            return;
        }
        var left = Between(@case, now, due);
        sla.ResolutionRemaining = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        sla.ResolutionPausedAt = now;
        sla.ResolutionDueAt = sla.ResolutionWarnAt = null;
    }

    private void Resume(Case @case, DateTimeOffset now)
    {
        var sla = @case.Sla;
        if (sla.ResolutionRemaining is not { } remaining || sla.ResolutionBudget is not { } budget)
        {
            return;
        }
        sla.ResolutionDueAt = Add(@case, now, remaining);
        var untilWarning = budget * Policy.WarningAt - (budget - remaining);
        sla.ResolutionWarnAt = untilWarning > TimeSpan.Zero ? Add(@case, now, untilWarning) : now;
        sla.ResolutionRemaining = null;
        sla.ResolutionPausedAt = null;
    }

    private DateTimeOffset? FirstTargetMetBy(Case @case)
    {
        var met = @case.Sla.FirstTarget == SlaTargetKind.StartWork
            ? @case.WorkStartedAt
            : Earliest(@case.FirstRespondedAt, @case.WorkStartedAt);
        // Solving the problem answers the customer and is work done, whatever the target was.
        return Earliest(met, @case.ResolvedAt);
    }

    /// <summary>Urgent cases run on elapsed time, 24x7; the others on their region's working time.</summary>
    private DateTimeOffset Add(Case @case, DateTimeOffset from, TimeSpan span) =>
        IsUrgent(@case) ? from + span : CalendarOf(@case).AddWorkingTime(from, span);

    private TimeSpan Between(Case @case, DateTimeOffset from, DateTimeOffset to) =>
        IsUrgent(@case) ? to - from : CalendarOf(@case).WorkingTimeBetween(from, to);

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
