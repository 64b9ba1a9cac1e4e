using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Cases;

public sealed record OpenCaseRequest(
    int EquipmentId,
    Severity Severity,
    string Description,
    Channel Channel,
    int? ContactId = null,
    string? CallbackPhone = null,
    Language? Language = null,
    string? OpeningKey = null);

/// <summary>
/// Every change to a case, from every channel (phone, web, SMS, jobs), goes through here: it enforces the status
/// rules and who may do what, writes the timeline entry in the same transaction, and refuses stale edits.
/// </summary>
public sealed partial class CaseWorkflow(
    WebTicketingDb db, TimeProvider time, SlaClock sla, SlaJobScheduler slaJobs,
    CaseNotifications notifications, SmsOutbox outbox, ILogger<CaseWorkflow> logger)
{
    private const int SystemRetries = 3;

    public async Task<CaseChange> OpenAsync(OpenCaseRequest request, Actor actor, CancellationToken cancellationToken = default)
    {
        if (request.OpeningKey is { } key && await FindByOpeningKeyAsync(key, cancellationToken) is { } existing)
        {
            return CaseChange.Done(existing);
        }
        if (!Enum.IsDefined(request.Severity))
        {
            return CaseChange.NotAllowed("Severity must be 1 to 4.");
        }

        var equipment = await db.Equipment
            .Include(e => e.Site).ThenInclude(s => s.Region)
            .SingleOrDefaultAsync(e => e.Id == request.EquipmentId, cancellationToken);
        if (equipment is null)
        {
            return CaseChange.NotAllowed("Unknown equipment.");
        }
        if (actor.Kind == ActorKind.Contact && actor.OrganizationId != equipment.Site.OrganizationId)
        {
            return CaseChange.NotFound;
        }
        var contact = request.ContactId is { } contactId
            ? await db.Contacts.SingleOrDefaultAsync(c => c.Id == contactId && c.OrganizationId == equipment.Site.OrganizationId, cancellationToken)
            : null;
        var supportGroupId = await RouteAsync(equipment, cancellationToken);
        var now = time.GetUtcNow();

        // The case is built and tracked before the write transaction: the transaction holds the process's one write
        // gate, and building it inside made every opening wait behind another's object graph (≈ 0.3 ms of 2.2 ms in
        // the gate at 8 callers, bench/README.md). Only the number, the one value that needs the transaction, waits.
        var @case = new Case
        {
            Number = "", // given from the sequence inside the transaction, before the insert
            OpeningKey = request.OpeningKey,
            OrganizationId = equipment.Site.OrganizationId,
            SiteId = equipment.SiteId,
            RegionId = equipment.Site.RegionId,
            Region = equipment.Site.Region,
            EquipmentId = equipment.Id,
            ContactId = contact?.Id,
            CallbackPhone = request.CallbackPhone,
            Channel = request.Channel,
            Severity = request.Severity,
            SupportGroupId = supportGroupId,
            Description = request.Description.Trim(),
            Language = request.Language ?? contact?.Language ?? Language.Es,
            OpenedAt = now,
            UpdatedAt = now,
        };
        sla.Open(@case, now);
        db.Cases.Add(@case);
        Record(@case, CaseEventKind.Opened, actor, $"{request.Channel}, severity {(int)request.Severity}", isPublic: true);
        var recorded = @case.Events.ToList();

        try
        {
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            @case.Number = CaseNumber.FromSequence(await db.NextSequenceValueAsync("case", cancellationToken)).Value;
            await db.SaveChangesAsync(cancellationToken);
            await SaveNotificationsAsync(@case, recorded, actor, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            slaJobs.Schedule(@case.Id, [], SlaClock.Checkpoints(@case.Sla));
            LogOpened(@case.Number, @case.Channel, @case.Severity);
            return CaseChange.Done(@case);
        }
        catch (DbUpdateException) when (request.OpeningKey is { } key2)
        {
            // Another process opened the case for the same request between our check and our insert.
            db.ChangeTracker.Clear();
            return await FindByOpeningKeyAsync(key2, cancellationToken) is { } winner
                ? CaseChange.Done(winner)
                : throw new InvalidOperationException($"Opening key {key2} collided but no case holds it.");
        }
        catch
        {
            // Not opened: a later save in this scope must not insert the half-made case.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public Task<CaseChange> ChangeStatusAsync(int caseId, int? expectedVersion, CaseStatus status, Actor actor, string? comment = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            if (@case.Status == status)
            {
                return null;
            }
            if (!CaseStatusRules.CanMove(@case.Status, status))
            {
                return $"A {@case.Status} case cannot move to {status}.";
            }
            if (!actor.IsStaff && !CustomerMayMove(@case.Status, status))
            {
                return "Only support staff can make this change.";
            }
            var from = @case.Status;
            var reopening = from == CaseStatus.Resolved && status == CaseStatus.InProgress;
            @case.Status = status;
            var now = time.GetUtcNow();
            switch (status)
            {
                case CaseStatus.InProgress when actor.IsStaff:
                    @case.WorkStartedAt ??= now;
                    @case.FirstRespondedAt ??= now;
                    break;
                case CaseStatus.Resolved:
                    @case.ResolvedAt = now;
                    break;
                case CaseStatus.Closed:
                    @case.ClosedAt = now;
                    break;
            }
            if (reopening)
            {
                @case.ResolvedAt = null;
            }
            sla.StatusChanged(@case, from, now);
            Record(@case, reopening ? CaseEventKind.Reopened : CaseEventKind.StatusChanged, actor,
                Joined($"{from} → {status}", comment), isPublic: true);
            return null;
        }, cancellationToken);

    public Task<CaseChange> ResolveAsync(int caseId, int? expectedVersion, Actor actor, string resolution, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(caseId, expectedVersion, CaseStatus.Resolved, actor, resolution, cancellationToken);

    public Task<CaseChange> CloseAsync(int caseId, int? expectedVersion, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(caseId, expectedVersion, CaseStatus.Closed, actor, null, cancellationToken);

    public Task<CaseChange> ReopenAsync(int caseId, int? expectedVersion, Actor actor, string reason, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(caseId, expectedVersion, CaseStatus.InProgress, actor, reason, cancellationToken);

    public Task<CaseChange> AddNoteAsync(int caseId, int? expectedVersion, string text, bool isPublic, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return "A note needs some text.";
            }
            if (!isPublic && !actor.IsStaff)
            {
                return "Only support staff can write internal notes.";
            }
            if (isPublic && actor.IsStaff)
            {
                @case.FirstRespondedAt ??= time.GetUtcNow();
            }
            Record(@case, isPublic ? CaseEventKind.NotePublic : CaseEventKind.NoteInternal, actor, text.Trim(), isPublic);
            return null;
        }, cancellationToken);

    public Task<CaseChange> ChangeSeverityAsync(int caseId, int? expectedVersion, Severity severity, Actor actor, string? reason = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            if (!Enum.IsDefined(severity))
            {
                return "Severity must be 1 to 4.";
            }
            if (!actor.IsStaff)
            {
                return "Only support staff can change the severity.";
            }
            if (@case.Severity == severity)
            {
                return null;
            }
            var from = @case.Severity;
            @case.Severity = severity;
            sla.SeverityChanged(@case, from, time.GetUtcNow());
            Record(@case, CaseEventKind.SeverityChanged, actor, Joined($"{(int)from} → {(int)severity}", reason), isPublic: true);
            return null;
        }, cancellationToken);

    public Task<CaseChange> AssignAsync(int caseId, int? expectedVersion, int? agentId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            if (!actor.IsStaff)
            {
                return "Only support staff can assign cases.";
            }
            if (@case.AssigneeId == agentId)
            {
                return null;
            }
            var agent = agentId is { } id ? db.Agents.SingleOrDefault(a => a.Id == id) : null;
            if (agentId is not null && agent is null)
            {
                return "Unknown agent.";
            }
            @case.AssigneeId = agentId;
            Record(@case, CaseEventKind.Assigned, actor, agent?.Name ?? "unassigned", isPublic: false);
            return null;
        }, cancellationToken);

    /// <summary>Moves the case one tier up because it needs more expertise; past the top tier it goes to the supervisors.</summary>
    public Task<CaseChange> EscalateAsync(int caseId, int? expectedVersion, Actor actor, string reason, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, expectedVersion, actor, @case =>
        {
            if (!actor.IsStaff)
            {
                return "Only support staff can escalate.";
            }
            if (string.IsNullOrWhiteSpace(reason))
            {
                return "Say why the case needs escalating.";
            }
            if (!@case.IsOpen)
            {
                return "Only open cases escalate.";
            }
            if (@case.Tier > SupportGroup.TopTier)
            {
                return "The case is already with the supervisors.";
            }
            MoveUpOneTier(@case, actor, reason.Trim());
            return null;
        }, cancellationToken);

    /// <summary>The new tier picks the case up with a fresh budget; whoever had it at the old tier no longer owns it.</summary>
    private void MoveUpOneTier(Case @case, Actor actor, string reason)
    {
        var from = @case.Tier;
        @case.Tier++;
        @case.AssigneeId = null;
        @case.Assignee = null;
        sla.Escalated(@case, time.GetUtcNow());
        Record(@case, CaseEventKind.Escalated, actor, $"{TierName(from)} → {TierName(@case.Tier)}: {reason}", isPublic: false);
    }
    /// <summary>
    /// Links a downloaded recording to the case: the caller's description becomes the case's recording, other
    /// recordings (voice notes, voicemails) stay on the timeline. Safe to repeat: a recording already linked is left alone.
    /// </summary>
    public Task<CaseChange> AttachRecordingAsync(int caseId, string recordingSid, string path, bool isDescription, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, null, actor, @case =>
        {
            if (@case.RecordingSid == recordingSid
                || db.CaseEvents.Any(e => e.CaseId == caseId && e.Kind == CaseEventKind.RecordingAttached && e.Text == path))
            {
                return null;
            }
            if (isDescription)
            {
                @case.RecordingSid = recordingSid;
                @case.RecordingPath = path;
            }
            Record(@case, CaseEventKind.RecordingAttached, actor, path, isPublic: true);
            return null;
        }, cancellationToken);

    /// <summary>Adds Twilio's transcription of the caller's description; a repeated callback changes nothing.</summary>
    public Task<CaseChange> AttachTranscriptionAsync(int caseId, string transcription, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, null, actor, @case =>
        {
            if (string.IsNullOrWhiteSpace(transcription) || @case.Transcription == transcription.Trim())
            {
                return null;
            }
            @case.Transcription = transcription.Trim();
            Record(@case, CaseEventKind.TranscriptionAttached, actor, @case.Transcription, isPublic: true);
            return null;
        }, cancellationToken);

    /// <summary>Puts something that happened on a call (a transfer, a voicemail) on the case's timeline.</summary>
    public Task<CaseChange> RecordCallEventAsync(int caseId, CaseEventKind kind, string text, bool isPublic, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(caseId, null, actor, @case =>
        {
            Record(@case, kind, actor, text, isPublic);
            return null;
        }, cancellationToken);

    public static string TierName(int tier) => tier > SupportGroup.TopTier ? "supervisors" : $"tier {tier}";

    /// <summary>Appends a timeline entry; the caller's save writes it with the change it records.</summary>
    public void Record(Case @case, CaseEventKind kind, Actor actor, string? text, bool isPublic)
    {
        var now = time.GetUtcNow();
        @case.UpdatedAt = now;
        @case.Events.Add(new CaseEvent { Case = @case, At = now, Kind = kind, Actor = actor.DisplayName, Text = text, IsPublic = isPublic });
    }

    /// <summary>
    /// Loads the case, applies the change, saves. A person's edit carries the version they saw and is refused when it
    /// is stale; a system change (null version) is re-applied on the fresh case instead.
    /// </summary>
    private async Task<CaseChange> ChangeAsync(int caseId, int? expectedVersion, Actor actor, Func<Case, string?> apply, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var @case = await db.Cases.Include(c => c.Region).SingleOrDefaultAsync(c => c.Id == caseId, cancellationToken);
            if (@case is null || (actor.Kind == ActorKind.Contact && actor.OrganizationId != @case.OrganizationId))
            {
                return CaseChange.NotFound;
            }
            using var logScope = logger.BeginScope(new Dictionary<string, object> { ["CaseNumber"] = @case.Number });
            if (expectedVersion is { } seen && seen != @case.Version)
            {
                return CaseChange.Conflict(@case);
            }
            var checkpointsBefore = SlaClock.Checkpoints(@case.Sla);
            var metBefore = @case.Sla.FirstTargetMetAt;
            if (apply(@case) is { } problem)
            {
                db.ChangeTracker.Clear();
                return CaseChange.NotAllowed(problem);
            }
            sla.Settle(@case, time.GetUtcNow());
            if (metBefore is null && @case.Sla.FirstTargetMetAt is not null && !@case.Events.Any(e => e.Kind == CaseEventKind.SlaMet && e.Id == 0))
            {
                Record(@case, CaseEventKind.SlaMet, actor, SlaTexts.Met(Language.En, @case.Sla.FirstTarget, @case.Tier), isPublic: false);
            }
            var recorded = @case.Events.Where(e => e.Id == 0).ToList();
            try
            {
                await using var transaction = await db.BeginWriteAsync(cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await SaveNotificationsAsync(@case, recorded, actor, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                slaJobs.Schedule(@case.Id, checkpointsBefore, SlaClock.Checkpoints(@case.Sla));
                return CaseChange.Done(@case);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                if (expectedVersion is not null || attempt == SystemRetries)
                {
                    var current = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
                    return CaseChange.Conflict(current);
                }
            }
        }
    }

    /// <summary>
    /// Puts an SMS fact (sent, delivered, failed) on the timeline without touching the case itself: it is not an edit,
    /// so it must not bump the version an agent's open form carries and make their next edit look stale.
    /// </summary>
    public void RecordSms(int caseId, CaseEventKind kind, string text) =>
        db.CaseEvents.Add(new CaseEvent { CaseId = caseId, At = time.GetUtcNow(), Kind = kind, Actor = Actor.System.DisplayName, Text = text, IsPublic = false });

    /// <summary>The SMS the customer gets for these events, queued in the same transaction once the events have ids.</summary>
    private async Task SaveNotificationsAsync(Case @case, IReadOnlyList<CaseEvent> recorded, Actor actor, CancellationToken cancellationToken)
    {
        if (await notifications.QueueAsync(@case, recorded, actor, cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static bool CustomerMayMove(CaseStatus from, CaseStatus to) =>
        (from, to) is (CaseStatus.Resolved, CaseStatus.Closed) or (CaseStatus.Resolved, CaseStatus.InProgress);

    private async Task<int> RouteAsync(Equipment equipment, CancellationToken cancellationToken)
    {
        var rules = await db.RoutingRules.AsNoTracking().Where(r => r.Product == equipment.Product).ToListAsync(cancellationToken);
        if (SupportRouting.BestRule(rules, equipment.Product, equipment.Version) is { } rule)
        {
            return rule.SupportGroupId;
        }
        return await db.SupportGroups.Where(g => g.IsDefault).OrderBy(g => g.Id).Select(g => g.Id).FirstOrDefaultAsync(cancellationToken) is var id and > 0
            ? id
            : throw new InvalidOperationException("The directory has no default support group.");
    }

    private Task<Case?> FindByOpeningKeyAsync(string key, CancellationToken cancellationToken) =>
        db.Cases.SingleOrDefaultAsync(c => c.OpeningKey == key, cancellationToken);

    private static string Joined(string what, string? why) => string.IsNullOrWhiteSpace(why) ? what : $"{what}: {why.Trim()}";

    [LoggerMessage(LogLevel.Information, "Case {CaseNumber} opened by {Channel}, severity {Severity}")]
    private partial void LogOpened(string caseNumber, Channel channel, Severity severity);
}
