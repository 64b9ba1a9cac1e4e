using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Sla;

/// <summary>
/// What the SLA jobs do, calling the job methods directly at instants of the domain clock (Hangfire's own scheduler
/// runs on real time; SlaRestartTests covers it with a real server).
/// </summary>
public sealed class SlaEnforcementTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = CoreTestHost.Start;
    private const string NetworkTier1 = SlaHost.NetworkTier1;
    private const string NetworkTier2 = SlaHost.NetworkTier2;
    private SlaHost sla = null!;

    public async Task InitializeAsync() => sla = await SlaHost.StartAsync();

    public async Task DisposeAsync() => await sla.DisposeAsync();

    private Task<bool> CheckAsync(Case @case, SlaTargetKind target, SlaCheck check, DateTimeOffset due) =>
        sla.WithJobsAsync(j => j.CheckAsync(@case.Id, target, check, due.UtcTicks, CancellationToken.None));

    private Task<int> SweepAsync() => sla.WithJobsAsync(j => j.SweepAsync(CancellationToken.None));

    [Fact]
    public async Task Warning_goes_to_the_assignee_by_sms_in_their_language()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        await sla.Succeeds(w => w.AssignAsync(opened.Id, null, sla.EnglishAgent.Id, SlaHost.Staff));
        sla.AdvanceTo(Start.AddHours(1.5));

        Assert.True(await CheckAsync(opened, SlaTargetKind.StartWork, SlaCheck.Warning, Start.AddHours(2)));

        var message = Assert.Single(await sla.OutboxAsync(opened.Id));
        Assert.Equal(SlaHost.AssigneePhone, message.To);
        // 11:00 UTC is 12:00 in Madrid, the case's region.
        Assert.Equal($"SLA warning, case {opened.Number}: start of work due 02/03 12:00.", message.Body);
        Assert.Equal($"sla:{opened.Id}:StartWork:warning:{Start.AddHours(2).UtcTicks}:{SlaHost.AssigneePhone}", message.DedupKey);
        var stored = await sla.LoadAsync(opened.Id);
        Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaWarning);
        Assert.True(stored.Sla.FirstTargetWarned);
        Assert.Equal(Start.AddHours(2), stored.Sla.NextCheckAt);
    }

    [Fact]
    public async Task Warning_of_an_unassigned_case_goes_to_the_tiers_on_call_phone_in_spanish()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(1.6));

        await SweepAsync();

        var message = Assert.Single(await sla.OutboxAsync(opened.Id));
        Assert.Equal(NetworkTier1, message.To);
        Assert.Equal($"Aviso SLA, caso {opened.Number}: inicio de trabajo vence el 02/03 12:00.", message.Body);
    }

    [Fact]
    public async Task Missed_first_target_alerts_on_call_and_supervisors_without_escalating()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(2));

        Assert.True(await CheckAsync(opened, SlaTargetKind.StartWork, SlaCheck.Breach, Start.AddHours(2)));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.True(stored.Sla.FirstTargetBreached);
        Assert.Equal(1, stored.Tier);
        Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaBreached);
        Assert.DoesNotContain(stored.Events, e => e.Kind == CaseEventKind.Escalated);
        // Overdue and still unmet: it sorts first in the console.
        Assert.Equal(Start.AddHours(2), stored.Sla.NextDueAt);
        var messages = await sla.OutboxAsync(opened.Id);
        // Reached at its due instant, the warning is dropped: the breach alone is sent.
        Assert.Equal([NetworkTier1, SlaHost.SupervisorPhone], messages.Select(m => m.To));
        Assert.All(messages, m => Assert.StartsWith($"SLA incumplido en el caso {opened.Number}: inicio de trabajo (plazo 02/03 12:00).", m.Body));
    }

    [Fact]
    public async Task Spent_tier_budget_escalates_and_alerts_the_next_tier_and_supervisors()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));
        await sla.Succeeds(w => w.AssignAsync(opened.Id, null, sla.EnglishAgent.Id, SlaHost.Staff));
        sla.AdvanceTo(Start.AddHours(4));

        Assert.True(await CheckAsync(opened, SlaTargetKind.Resolution, SlaCheck.Breach, Start.AddHours(4)));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(2, stored.Tier);
        Assert.Null(stored.AssigneeId);
        Assert.True(stored.Sla.ResolutionBreached);
        Assert.Equal(Start.AddHours(4 + 8), stored.Sla.ResolutionDueAt);
        Assert.Equal(
            [CaseEventKind.SlaBreached, CaseEventKind.Escalated],
            stored.Events.Where(e => e.Id > 0 && e.At == Start.AddHours(4)).OrderBy(e => e.Id).Select(e => e.Kind));
        Assert.Contains("tier 1 → tier 2", stored.Events.Single(e => e.Kind == CaseEventKind.Escalated).Text);
        var breach = (await sla.OutboxAsync(opened.Id)).Where(m => m.DedupKey.Contains(":breach:")).ToList();
        Assert.Equal([NetworkTier2, SlaHost.SupervisorPhone], breach.Select(m => m.To));
        Assert.Equal($"SLA incumplido en el caso {opened.Number}: resolver en nivel 1 (plazo 02/03 14:00). Escalado a nivel 2.", breach[0].Body);
    }

    [Fact]
    public async Task Beyond_tier_three_the_case_goes_to_the_supervisors_and_its_budget_clock_stops()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));
        await sla.Succeeds(w => w.EscalateAsync(opened.Id, null, SlaHost.Staff, "Needs tier 2"));
        await sla.Succeeds(w => w.EscalateAsync(opened.Id, null, SlaHost.Staff, "Needs tier 3"));
        sla.AdvanceTo(Start.AddHours(12));

        await SweepAsync();

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(4, stored.Tier);
        Assert.Null(stored.Sla.ResolutionDueAt);
        Assert.Null(stored.Sla.NextCheckAt);
        Assert.Equal([SlaHost.SupervisorPhone], (await sla.OutboxAsync(opened.Id)).Where(m => m.DedupKey.Contains(":breach:")).Select(m => m.To));
        Assert.Contains("Escalado a supervisores", (await sla.OutboxAsync(opened.Id)).Last().Body);
    }

    [Fact]
    public async Task Warning_of_a_case_with_the_supervisors_goes_to_the_supervisors()
    {
        var opened = await sla.OpenAsync(Severity.Major);
        for (var tier = 1; tier <= 3; tier++)
        {
            await sla.Succeeds(w => w.EscalateAsync(opened.Id, null, SlaHost.Staff, "Needs more expertise"));
        }
        var warnAt = (await sla.LoadAsync(opened.Id)).Sla.FirstTargetWarnAt;
        sla.AdvanceTo(warnAt);

        await SweepAsync();

        Assert.Equal([SlaHost.SupervisorPhone], (await sla.OutboxAsync(opened.Id)).Select(m => m.To));
    }

    [Fact]
    public async Task Opening_and_every_clock_change_schedule_jobs_at_the_new_checkpoints()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        var afterOpening = await ScheduledChecks();
        Assert.Equal(
            [
                (SlaTargetKind.StartWork, SlaCheck.Warning, Start.AddHours(1.5)),
                (SlaTargetKind.StartWork, SlaCheck.Breach, Start.AddHours(2)),
                (SlaTargetKind.Resolution, SlaCheck.Warning, Start.AddHours(3)),
                (SlaTargetKind.Resolution, SlaCheck.Breach, Start.AddHours(4)),
            ],
            afterOpening.Order());

        sla.AdvanceTo(Start.AddHours(1));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.WaitingOnCustomer, SlaHost.Staff));
        Assert.Equal(afterOpening.Count, (await ScheduledChecks()).Count);
        sla.AdvanceTo(Start.AddHours(3));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));

        // Three hours were left at the pause: the resolution checkpoints move by the two hours spent waiting.
        Assert.Equal(
            [(SlaTargetKind.Resolution, SlaCheck.Warning, Start.AddHours(5)), (SlaTargetKind.Resolution, SlaCheck.Breach, Start.AddHours(6))],
            (await ScheduledChecks()).Except(afterOpening).Order());
    }

    private async Task<List<(SlaTargetKind Target, SlaCheck Check, DateTimeOffset At)>> ScheduledChecks()
    {
        await sla.WriteJobsAsync();
        return sla.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100)
            .Select(j => ((SlaTargetKind)j.Value.Job.Args[1], (SlaCheck)j.Value.Job.Args[2], new DateTimeOffset(j.Value.EnqueueAt, TimeSpan.Zero)))
            .ToList();
    }

    [Fact]
    public async Task Job_for_a_target_met_in_time_does_nothing()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddMinutes(30));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));
        sla.AdvanceTo(Start.AddHours(2));

        Assert.False(await CheckAsync(opened, SlaTargetKind.StartWork, SlaCheck.Warning, Start.AddHours(2)));
        Assert.False(await CheckAsync(opened, SlaTargetKind.StartWork, SlaCheck.Breach, Start.AddHours(2)));

        Assert.Empty(await sla.OutboxAsync(opened.Id));
        Assert.DoesNotContain((await sla.LoadAsync(opened.Id)).Events, e => e.Kind is CaseEventKind.SlaBreached or CaseEventKind.SlaWarning);
    }

    [Fact]
    public async Task Job_whose_due_instant_moved_does_nothing()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(1));
        // An hour waiting on the customer moves the resolution due: the job scheduled for 4 h finds a different state.
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.WaitingOnCustomer, SlaHost.Staff));
        sla.AdvanceTo(Start.AddHours(2));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));
        sla.AdvanceTo(Start.AddHours(4));

        Assert.False(await CheckAsync(opened, SlaTargetKind.Resolution, SlaCheck.Breach, Start.AddHours(4)));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(1, stored.Tier);
        Assert.Equal(Start.AddHours(5), stored.Sla.ResolutionDueAt);
        Assert.Empty(await sla.OutboxAsync(opened.Id));
    }

    [Fact]
    public async Task Repeated_jobs_and_sweeps_process_a_breach_exactly_once()
    {
        var opened = await sla.OpenAsync(Severity.Minor);
        var due = (await sla.LoadAsync(opened.Id)).Sla.FirstTargetDueAt;
        sla.AdvanceTo(due.AddMinutes(1));

        var first = await CheckAsync(opened, SlaTargetKind.FirstResponse, SlaCheck.Breach, due);
        var again = await CheckAsync(opened, SlaTargetKind.FirstResponse, SlaCheck.Breach, due);
        await SweepAsync();
        await SweepAsync();

        Assert.True(first);
        Assert.False(again);
        Assert.Single((await sla.LoadAsync(opened.Id)).Events, e => e.Kind == CaseEventKind.SlaBreached);
        Assert.Equal(2, (await sla.OutboxAsync(opened.Id)).Count);
    }

    [Fact]
    public async Task Target_met_after_its_due_but_before_the_job_is_a_quiet_miss()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(2).AddSeconds(20));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));

        Assert.False(await CheckAsync(opened, SlaTargetKind.StartWork, SlaCheck.Breach, Start.AddHours(2)));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.True(stored.Sla.FirstTargetBreached);
        Assert.Empty(await sla.OutboxAsync(opened.Id));
    }

    [Fact]
    public async Task Sweep_catches_up_with_every_overdue_case_and_leaves_the_others()
    {
        var overdue = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(1));
        var recent = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(2.5));

        Assert.Equal(2, await SweepAsync());

        Assert.True((await sla.LoadAsync(overdue.Id)).Sla.FirstTargetBreached);
        var notYet = (await sla.LoadAsync(recent.Id)).Sla;
        Assert.False(notYet.FirstTargetBreached);
        Assert.True(notYet.FirstTargetWarned);
        Assert.Equal(0, await SweepAsync());
    }

    [Fact]
    public async Task Backlog_of_breaches_is_processed_in_one_sweep_once_per_case_with_one_send_job_per_save()
    {
        // More cases than one save takes (100), as after hours of downtime: every resolution budget spent at once.
        var backlog = new List<Case>();
        for (var i = 0; i < 130; i++)
        {
            var opened = await sla.OpenAsync(Severity.Critical);
            await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));
            backlog.Add(opened);
        }
        sla.AdvanceTo(Start.AddHours(4));
        var sendJobsBefore = sla.Host.EnqueuedSmsJobs().Count;

        Assert.Equal(backlog.Count, await SweepAsync());
        Assert.Equal(0, await SweepAsync());

        var breachIds = new List<long>();
        foreach (var opened in backlog)
        {
            var stored = await sla.LoadAsync(opened.Id);
            Assert.Equal(2, stored.Tier);
            Assert.True(stored.Sla.ResolutionBreached);
            Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaBreached);
            Assert.Single(stored.Events, e => e.Kind == CaseEventKind.Escalated);
            var breach = (await sla.OutboxAsync(opened.Id)).Where(m => m.DedupKey.Contains(":breach:")).ToList();
            Assert.Equal([NetworkTier2, SlaHost.SupervisorPhone], breach.Select(m => m.To));
            Assert.All(breach, m => Assert.Contains($"caso {opened.Number}: resolver en nivel 1", m.Body));
            breachIds.AddRange(breach.Select(m => m.Id));
        }
        // One job per save (100 cases, then 30) carries all of that save's messages, instead of one job per SMS.
        var sendJobs = sla.Host.EnqueuedSmsJobs().Skip(sendJobsBefore).ToList();
        Assert.Equal([200, 60], sendJobs.Select(ids => ids.Length));
        Assert.Equal(breachIds.Order(), sendJobs.SelectMany(ids => ids).Order());
    }

    [SqliteOnlyFact]
    public async Task Sweep_query_reads_the_due_index_instead_of_scanning_cases()
    {
        var plan = await sla.Host.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + db.Cases
                .Where(c => c.Sla.NextCheckAt <= Start)
                .OrderBy(c => c.Sla.NextCheckAt)
                .Select(c => c.Id)
                .Take(200)
                .ToQueryString()
                .Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal)).Aggregate((a, b) => a + "\n" + b)
                .Replace("@__now_0", "0").Replace("@__p_1", "200");
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(3));
            }
            return string.Join(" | ", rows);
        });
        Assert.Contains("INDEX IX_Cases_Sla_NextCheckAt", plan);
        Assert.DoesNotContain("SCAN Cases", plan.Replace("USING", "").Replace("INDEX", ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_sms_text_fits_one_gsm7_message_and_names_the_case()
    {
        // GSM 03.38 basic set: Spanish texts must avoid á, í, ó, ú, which would force UCS-2 and 70-character parts.
        const string gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
        var due = new DateTimeOffset(2026, 12, 31, 23, 59, 0, TimeSpan.Zero);
        foreach (var language in Enum.GetValues<Language>())
        {
            foreach (var target in Enum.GetValues<SlaTargetKind>())
            {
                var texts = new[]
                {
                    SlaTexts.Warning(language, "12345674", target, 3, due),
                    SlaTexts.Breach(language, "12345674", target, 3, due, null),
                    SlaTexts.Breach(language, "12345674", target, 3, due, 4),
                    SlaTexts.Breach(language, "12345674", target, 2, due, 3),
                };
                foreach (var text in texts)
                {
                    Assert.Contains("12345674", text);
                    Assert.True(text.Length <= 160, text);
                    Assert.All(text, c => Assert.Contains(c, gsm7));
                }
            }
        }
    }
}
