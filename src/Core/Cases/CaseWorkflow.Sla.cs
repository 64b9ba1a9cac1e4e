using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Cases;

/// <summary>The case changes the SLA depends on from outside the console (SMS, calls) and the SLA jobs' own changes.</summary>
public sealed partial class CaseWorkflow
{
    /// <summary>
    /// The customer was answered outside a public note: an SMS reached them, an agent called them. Meets a pending
    /// first-response target; an urgent case still owes its start of work. Repeating it changes nothing.
    /// </summary>
    public Task<CaseChange> RecordFirstResponseAsync(int caseId, Actor actor, string how, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, null, actor, @case =>
        {
            if (actor.Kind == ActorKind.Contact)
            {
                return "Only support staff or the system can record a response.";
            }
            if (@case.FirstRespondedAt is null)
            {
                var now = time.GetUtcNow();
                var pending = @case.Sla.FirstTargetMetAt is null;
                @case.FirstRespondedAt = now;
                RecordIfMet(@case, actor, how, now, pending);
            }
            return null;
        }, cancellationToken);

    /// <summary>
    /// An agent started working the case outside the console (answered a call transferred about it): meets the start
    /// of work and first response targets and moves a New case to InProgress. Repeating it changes nothing.
    /// </summary>
    public Task<CaseChange> RecordWorkStartedAsync(int caseId, Actor actor, string how, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, null, actor, @case =>
        {
            if (!actor.IsStaff)
            {
                return "Only support staff start work on a case.";
            }
            if (!@case.IsOpen)
            {
                return null;
            }
            var now = time.GetUtcNow();
            var pending = @case.Sla.FirstTargetMetAt is null;
            @case.WorkStartedAt ??= now;
            @case.FirstRespondedAt ??= now;
            if (@case.Status == CaseStatus.New)
            {
                @case.Status = CaseStatus.InProgress;
                sla.StatusChanged(@case, CaseStatus.New, now);
                Record(@case, CaseEventKind.StatusChanged, actor, Joined($"{CaseStatus.New} → {CaseStatus.InProgress}", how), isPublic: true);
            }
            RecordIfMet(@case, actor, how, now, pending);
            return null;
        }, cancellationToken);

    /// <summary>Writes the SlaMet entry with how the target was met, when this change met the first target.</summary>
    private void RecordIfMet(Case @case, Actor actor, string how, DateTimeOffset now, bool wasPending)
    {
        sla.Settle(@case, now);
        if (wasPending && @case.Sla.FirstTargetMetAt is not null)
        {
            Record(@case, CaseEventKind.SlaMet, actor, Joined(SlaTexts.Met(Language.En, @case.Sla.FirstTarget, @case.Tier), how), isPublic: false);
        }
    }

    /// <summary>
    /// Acts on every SLA checkpoint of the case that is due by the domain clock: a warning SMS to the assignee (or the
    /// tier's on-call), and on a breach a timeline entry, an escalation when a tier's budget ran out, and SMS to the
    /// on-call of the tier now holding the case and to the supervisors. All in one save with the outbox rows, so a
    /// breach is processed exactly once however many jobs and sweeps arrive. Returns what it acted on.
    /// Clears the change tracker: call it on its own, not in the middle of another change.
    /// </summary>
    /// <remarks>
    /// A missed first target (start of work, first response) does not escalate: the case has not been looked at, so
    /// the next tier is no better placed than this one; the on-call and the supervisors are told instead.
    /// </remarks>
    public async Task<IReadOnlyList<SlaCheckpoint>> ProcessSlaAsync(int caseId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var @case = await db.Cases
                    .Include(c => c.Region)
                    .Include(c => c.SupportGroup)
                    .Include(c => c.Assignee)
                    .SingleOrDefaultAsync(c => c.Id == caseId, cancellationToken);
                if (@case is null)
                {
                    return [];
                }
                var before = SlaClock.Checkpoints(@case.Sla);
                var now = time.GetUtcNow();
                var taken = sla.TakeDue(@case, now);
                if (taken.Count == 0)
                {
                    return [];
                }
                var alerts = new List<OutboxMessage>();
                foreach (var point in taken)
                {
                    await ActOnAsync(@case, point, alerts, cancellationToken);
                }
                await outbox.QueueAsync(alerts, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                slaJobs.Schedule(@case.Id, before, SlaClock.Checkpoints(@case.Sla));
                return taken;
            }
            catch (DbUpdateException) when (attempt < SystemRetries)
            {
                // Another process acted on the same case (version) or queued the same SMS (dedup key): re-read and see.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// <see cref="ProcessSlaAsync"/> for many cases in one save: what the sweep does with a backlog (a restart after
    /// downtime, a burst of deadlines), where one save per case cost ≈ 13 ms of CPU each. When the save fails (another
    /// process changed one of the cases, or queued the same SMS) nothing of the batch was written, and each case is
    /// processed again on its own with its retries. Returns how many cases it acted on.
    /// </summary>
    public async Task<int> ProcessSlaAsync(IReadOnlyCollection<int> caseIds, CancellationToken cancellationToken = default)
    {
        try
        {
            var cases = await db.Cases
                .Include(c => c.Region)
                .Include(c => c.SupportGroup)
                .Include(c => c.Assignee)
                .Where(c => caseIds.Contains(c.Id))
                .ToListAsync(cancellationToken);
            var now = time.GetUtcNow();
            var moved = new List<(int CaseId, IReadOnlyList<SlaCheckpoint> Before, IReadOnlyList<SlaCheckpoint> After)>();
            var alerts = new List<OutboxMessage>();
            foreach (var @case in cases)
            {
                var before = SlaClock.Checkpoints(@case.Sla);
                var taken = sla.TakeDue(@case, now);
                foreach (var point in taken)
                {
                    await ActOnAsync(@case, point, alerts, cancellationToken);
                }
                if (taken.Count > 0)
                {
                    moved.Add((@case.Id, before, SlaClock.Checkpoints(@case.Sla)));
                }
            }
            await outbox.QueueAsync(alerts, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (caseId, before, after) in moved)
            {
                slaJobs.Schedule(caseId, before, after);
            }
            return moved.Count;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var acted = 0;
            foreach (var caseId in caseIds)
            {
                if ((await ProcessSlaAsync(caseId, cancellationToken)).Count > 0)
                {
                    acted++;
                }
            }
            return acted;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Changes the case for the checkpoint and adds its SMS to <paramref name="alerts"/>, queued by the caller.</summary>
    private async Task ActOnAsync(Case @case, SlaCheckpoint point, List<OutboxMessage> alerts, CancellationToken cancellationToken)
    {
        var tier = @case.Tier;
        var dueLocal = TimeZoneInfo.ConvertTime(point.DueAt, sla.CalendarOf(@case).TimeZone);
        var what = SlaTexts.Target(Language.En, point.Target, tier);
        if (point.Check == SlaCheck.Warning)
        {
            Record(@case, CaseEventKind.SlaWarning, Actor.System, $"{what} due {dueLocal:yyyy-MM-dd HH:mm}", isPublic: false);
            var recipients = @case.Assignee is { Phone: { Length: > 0 } phone } assignee
                ? [(phone, assignee.Language)]
                : await OnCallAsync(@case.SupportGroup, tier, cancellationToken);
            alerts.AddRange(Alerts(@case, point, recipients, language => SlaTexts.Warning(language, @case.Number, point.Target, tier, dueLocal)));
            LogSla(@case.Number, point.Target, point.Check);
            return;
        }

        Record(@case, CaseEventKind.SlaBreached, Actor.System, $"{what} was due {dueLocal:yyyy-MM-dd HH:mm}", isPublic: false);
        int? escalatedTo = null;
        if (point.Target == SlaTargetKind.Resolution)
        {
            MoveUpOneTier(@case, Actor.System, $"{what} budget ran out");
            escalatedTo = @case.Tier;
        }
        var breachRecipients = (await OnCallAsync(@case.SupportGroup, @case.Tier, cancellationToken))
            .Concat(await SupervisorsAsync(cancellationToken))
            .ToList();
        alerts.AddRange(Alerts(@case, point, breachRecipients,
            language => SlaTexts.Breach(language, @case.Number, point.Target, tier, dueLocal, escalatedTo)));
        LogSla(@case.Number, point.Target, point.Check);
    }

    /// <summary>The on-call phone of a tier, read in the language of the agent who carries it; above tier 3, the supervisors.</summary>
    private async Task<List<(string Phone, Language Language)>> OnCallAsync(SupportGroup group, int tier, CancellationToken cancellationToken)
    {
        if (tier > SupportGroup.TopTier)
        {
            return await SupervisorsAsync(cancellationToken);
        }
        if (group.OnCallPhone(tier) is not { Length: > 0 } phone)
        {
            return [];
        }
        if (!onCallLanguages.TryGetValue(phone, out var language))
        {
            language = onCallLanguages[phone] = await db.Agents.AsNoTracking().Where(a => a.Phone == phone).OrderBy(a => a.Id)
                .Select(a => (Language?)a.Language).FirstOrDefaultAsync(cancellationToken);
        }
        return [(phone, language ?? Language.Es)];
    }

    /// <summary>Read once per scope (a job, a sweep): a sweep alerting the supervisors about many cases asks once.</summary>
    private async Task<List<(string Phone, Language Language)>> SupervisorsAsync(CancellationToken cancellationToken) =>
        supervisors ??= (await db.Agents.AsNoTracking()
            .Where(a => a.Role == AgentRole.Supervisor && a.Phone != null && a.Phone != "")
            .OrderBy(a => a.Id)
            .Select(a => new { a.Phone, a.Language })
            .ToListAsync(cancellationToken))
        .Select(a => (a.Phone!, a.Language))
        .ToList();

    private List<(string Phone, Language Language)>? supervisors;
    private readonly Dictionary<string, Language?> onCallLanguages = [];

    /// <summary>
    /// The SMS for the outbox, queued in the caller's save. The key names case, target, check, due instant and phone,
    /// so the same checkpoint never texts the same phone twice, even from two processes.
    /// </summary>
    private static IEnumerable<OutboxMessage> Alerts(Case @case, SlaCheckpoint point, IEnumerable<(string Phone, Language Language)> recipients,
        Func<Language, string> body) =>
        recipients.DistinctBy(r => r.Phone).Select(r => new OutboxMessage
        {
            DedupKey = $"sla:{@case.Id}:{point.Target}:{point.Check.ToString().ToLowerInvariant()}:{point.DueAt.UtcTicks}:{r.Phone}",
            To = r.Phone,
            Body = body(r.Language),
            CaseId = @case.Id,
        });

    [LoggerMessage(LogLevel.Information, "Case {CaseNumber}: SLA {Check} of {Target}")]
    private partial void LogSla(string caseNumber, SlaTargetKind target, SlaCheck check);
}
