using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Sla;

/// <summary>Targets as the workflow sets them. The clock starts Monday 2 March 2026 09:00 UTC = 10:00 in Madrid.</summary>
public sealed class SlaPolicyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = CoreTestHost.Start;
    private SlaHost sla = null!;

    public async Task InitializeAsync() => sla = await SlaHost.StartAsync();

    public async Task DisposeAsync() => await sla.DisposeAsync();

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Urgent_case_owes_a_start_of_work_within_two_hours_round_the_clock()
    {
        var opened = await sla.OpenAsync(Severity.Critical);

        var state = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.Equal(SlaTargetKind.StartWork, state.FirstTarget);
        Assert.Equal(Start.AddHours(2), state.FirstTargetDueAt);
        Assert.Equal(Start.AddHours(1.5), state.FirstTargetWarnAt);
        // Critical resolution budgets are elapsed time too: tier 1 has 4 h.
        Assert.Equal(Start.AddHours(4), state.ResolutionDueAt);
        Assert.Equal(Start.AddHours(2), state.NextDueAt);
        Assert.Equal(Start.AddHours(1.5), state.NextCheckAt);
    }

    [Fact]
    public async Task Other_case_owes_a_first_response_within_one_business_day_of_its_sites_region()
    {
        var madrid = await sla.OpenAsync(Severity.Major);
        var mexico = await sla.OpenAsync(Severity.Minor, sla.Directory.GlobexStorage);

        var madridState = (await sla.LoadAsync(madrid.Id)).Sla;
        Assert.Equal(SlaTargetKind.FirstResponse, madridState.FirstTarget);
        // Monday 10:00-14:00 and 16:00-19:00 is 7 h; the other 2 h run Tuesday 09:00-11:00.
        Assert.Equal(At("2026-03-03T11:00+01:00"), madridState.FirstTargetDueAt);
        Assert.Equal(At("2026-03-02T18:45+01:00"), madridState.FirstTargetWarnAt);
        // Mexico City opens at 08:00 (it is 03:00 there at the start) and a day is 08:00-17:00.
        var mexicoState = (await sla.LoadAsync(mexico.Id)).Sla;
        Assert.Equal(At("2026-03-02T17:00-06:00"), mexicoState.FirstTargetDueAt);
        // Minor at tier 1: 18 h of working time = two Mexico City days.
        Assert.Equal(At("2026-03-03T17:00-06:00"), mexicoState.ResolutionDueAt);
    }

    [Theory]
    [InlineData(Severity.Critical, SlaTargetKind.StartWork, "2026-03-02T11:00Z", "2026-03-02T13:00Z")]
    // Madrid working time from Monday 10:00 (7 h that day, then 8 h a day).
    [InlineData(Severity.Major, SlaTargetKind.FirstResponse, "2026-03-03T11:00+01:00", "2026-03-03T11:00+01:00")]
    [InlineData(Severity.Minor, SlaTargetKind.FirstResponse, "2026-03-03T11:00+01:00", "2026-03-04T12:00+01:00")]
    [InlineData(Severity.Question, SlaTargetKind.FirstResponse, "2026-03-03T11:00+01:00", "2026-03-05T13:00+01:00")]
    public async Task Each_severity_gets_its_first_target_and_tier_one_budget(Severity severity, SlaTargetKind target, string firstDue, string resolutionDue)
    {
        var opened = await sla.OpenAsync(severity);

        var state = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.Equal(target, state.FirstTarget);
        Assert.Equal(At(firstDue), state.FirstTargetDueAt);
        Assert.Equal(At(resolutionDue), state.ResolutionDueAt);
        Assert.Equal(new[] { At(firstDue), At(resolutionDue) }.Min(), state.NextDueAt);
    }

    [Fact]
    public async Task Staff_public_note_is_the_first_response_and_a_customer_note_is_not()
    {
        var opened = await sla.OpenAsync(Severity.Major);
        sla.AdvanceTo(Start.AddHours(1));
        await sla.Succeeds(w => w.AddNoteAsync(opened.Id, null, "Ya lo miro", isPublic: true,
            Actor.ForContact(sla.Directory.AcmeContact.Id, sla.Directory.Acme.Id, "Ana")));
        Assert.Null((await sla.LoadAsync(opened.Id)).Sla.FirstTargetMetAt);

        await sla.Succeeds(w => w.AddNoteAsync(opened.Id, null, "Estamos en ello", isPublic: true, SlaHost.Staff));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(Start.AddHours(1), stored.Sla.FirstTargetMetAt);
        Assert.False(stored.Sla.FirstTargetBreached);
        Assert.Equal(stored.Sla.ResolutionDueAt, stored.Sla.NextDueAt);
        Assert.Contains(stored.Events, e => e.Kind == CaseEventKind.SlaMet && e.Text == "first response met");
    }

    [Fact]
    public async Task Urgent_case_is_not_met_by_a_note_only_by_starting_work()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        await sla.Succeeds(w => w.AddNoteAsync(opened.Id, null, "Recibido", isPublic: true, SlaHost.Staff));
        Assert.Null((await sla.LoadAsync(opened.Id)).Sla.FirstTargetMetAt);

        sla.AdvanceTo(Start.AddMinutes(40));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));

        Assert.Equal(Start.AddMinutes(40), (await sla.LoadAsync(opened.Id)).Sla.FirstTargetMetAt);
    }

    [Fact]
    public async Task Agent_answering_a_transferred_call_starts_work_on_a_new_case()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddMinutes(10));

        await sla.Succeeds(w => w.RecordWorkStartedAsync(opened.Id, SlaHost.Staff, "answered a transferred call"));
        await sla.Succeeds(w => w.RecordWorkStartedAsync(opened.Id, SlaHost.Staff, "answered a transferred call"));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(CaseStatus.InProgress, stored.Status);
        Assert.Equal(Start.AddMinutes(10), stored.WorkStartedAt);
        Assert.Equal(Start.AddMinutes(10), stored.Sla.FirstTargetMetAt);
        var met = Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaMet);
        Assert.Equal("start of work met: answered a transferred call", met.Text);
    }

    [Fact]
    public async Task Sms_reaching_the_customer_is_a_first_response_recorded_once()
    {
        var opened = await sla.OpenAsync(Severity.Minor);
        sla.AdvanceTo(Start.AddMinutes(5));
        await sla.Succeeds(w => w.RecordFirstResponseAsync(opened.Id, Actor.System, "SMS delivered"));
        sla.AdvanceTo(Start.AddMinutes(50));
        await sla.Succeeds(w => w.RecordFirstResponseAsync(opened.Id, Actor.System, "call answered"));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(Start.AddMinutes(5), stored.FirstRespondedAt);
        Assert.Equal(Start.AddMinutes(5), stored.Sla.FirstTargetMetAt);
        Assert.Equal("first response met: SMS delivered", Assert.Single(stored.Events, e => e.Kind == CaseEventKind.SlaMet).Text);
        var refused = await sla.WithWorkflowAsync(w => w.RecordFirstResponseAsync(opened.Id,
            Actor.ForContact(sla.Directory.AcmeContact.Id, sla.Directory.Acme.Id, "Ana"), "me"));
        Assert.Equal(CaseChangeOutcome.NotAllowed, refused.Outcome);
    }

    [Fact]
    public async Task Waiting_on_the_customer_pauses_the_resolution_clock_but_not_the_first_response()
    {
        var opened = await sla.OpenAsync(Severity.Major);
        var firstDue = (await sla.LoadAsync(opened.Id)).Sla.FirstTargetDueAt;
        // Monday 10:00 → 12:00 Madrid: 2 h of the 9 h tier 1 budget used.
        sla.AdvanceTo(Start.AddHours(2));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.WaitingOnCustomer, SlaHost.Staff));

        var paused = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.True(paused.IsPaused);
        Assert.Null(paused.ResolutionDueAt);
        Assert.Equal(TimeSpan.FromHours(7), paused.ResolutionRemaining);
        // The time left shown while paused does not run down with the calendar.
        var clock = sla.Host.Services.GetRequiredService<SlaClock>();
        sla.AdvanceTo(Start.AddDays(1));
        Assert.Equal(TimeSpan.FromHours(7), clock.ResolutionTimeLeft(await sla.LoadAsync(opened.Id), sla.Host.Time.GetUtcNow()));
        Assert.Equal(firstDue, paused.FirstTargetDueAt);
        Assert.Equal(firstDue, paused.NextDueAt);

        // The customer answers on Thursday 09:00 Madrid: 7 h left = Thursday 09:00-14:00 and 16:00-18:00.
        sla.AdvanceTo(At("2026-03-05T09:00+01:00"));
        await sla.Succeeds(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, SlaHost.Staff));

        var resumed = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.False(resumed.IsPaused);
        Assert.Equal(At("2026-03-05T18:00+01:00"), resumed.ResolutionDueAt);
        // 75 % of 9 h is 6.75 h; 2 h were used, so the warning comes 4.75 h of working time after resuming.
        Assert.Equal(At("2026-03-05T13:45+01:00"), resumed.ResolutionWarnAt);
    }

    [Fact]
    public async Task Resolving_stops_every_clock_and_reopening_starts_a_fresh_tier_budget()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(1));
        await sla.Succeeds(w => w.ResolveAsync(opened.Id, null, SlaHost.Staff, "Power cycled"));

        var resolved = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.Equal(Start.AddHours(1), resolved.FirstTargetMetAt);
        Assert.Null(resolved.ResolutionDueAt);
        Assert.Null(resolved.NextDueAt);
        Assert.Null(resolved.NextCheckAt);

        sla.AdvanceTo(Start.AddDays(2));
        await sla.Succeeds(w => w.ReopenAsync(opened.Id, null, SlaHost.Staff, "Reboots again"));
        var reopened = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.Equal(Start.AddDays(2).AddHours(4), reopened.ResolutionDueAt);
        Assert.Equal(reopened.ResolutionDueAt, reopened.NextDueAt);
    }

    [Fact]
    public async Task Case_raised_to_urgent_owes_a_start_of_work_two_hours_after_the_change()
    {
        var opened = await sla.OpenAsync(Severity.Minor);
        sla.AdvanceTo(Start.AddHours(3));
        await sla.Succeeds(w => w.ChangeSeverityAsync(opened.Id, null, Severity.Critical, SlaHost.Staff, "Whole site down"));

        var state = (await sla.LoadAsync(opened.Id)).Sla;
        Assert.Equal(SlaTargetKind.StartWork, state.FirstTarget);
        Assert.Equal(Start.AddHours(5), state.FirstTargetDueAt);
        Assert.Equal(Start.AddHours(7), state.ResolutionDueAt);
    }

    [Fact]
    public async Task Escalating_by_hand_gives_the_next_tier_its_own_budget()
    {
        var opened = await sla.OpenAsync(Severity.Critical);
        sla.AdvanceTo(Start.AddHours(1));
        await sla.Succeeds(w => w.EscalateAsync(opened.Id, null, SlaHost.Staff, "Needs a firmware engineer"));

        var stored = await sla.LoadAsync(opened.Id);
        Assert.Equal(2, stored.Tier);
        Assert.Equal(Start.AddHours(1 + 8), stored.Sla.ResolutionDueAt);
        Assert.Equal(Start.AddHours(1 + 6), stored.Sla.ResolutionWarnAt);
    }

    [Fact]
    public async Task Policy_comes_from_the_sla_section()
    {
        await using var custom = await SlaHost.StartAsync(new Dictionary<string, string?>
        {
            ["Sla:UrgentSeverities:0"] = "2",
            ["Sla:StartWorkWithin"] = "01:00:00",
            ["Sla:Resolution:Tier1:Critical"] = "2.00:00:00",
        });
        var major = await custom.OpenAsync(Severity.Major);
        var critical = await custom.OpenAsync(Severity.Critical);

        var majorState = (await custom.LoadAsync(major.Id)).Sla;
        Assert.Equal(SlaTargetKind.StartWork, majorState.FirstTarget);
        Assert.Equal(Start.AddHours(1), majorState.FirstTargetDueAt);
        var criticalState = (await custom.LoadAsync(critical.Id)).Sla;
        Assert.Equal(SlaTargetKind.FirstResponse, criticalState.FirstTarget);
        // 48 h of Madrid working time (8 h a day) from Monday 10:00: 7 h that Monday, 40 h that week, 1 h the Tuesday after.
        Assert.Equal(At("2026-03-10T10:00+01:00"), criticalState.ResolutionDueAt);
    }

    [Fact]
    public async Task Case_in_a_region_with_a_broken_calendar_still_opens_with_round_the_clock_targets()
    {
        await sla.Host.WithDbAsync(async db =>
        {
            var madrid = await db.Regions.SingleAsync(r => r.Id == sla.Directory.Madrid.Id);
            madrid.Calendar = new BusinessCalendarOptions { TimeZone = "Mars/Base", Hours = new() { ["Monday"] = ["09:00-18:00"] } };
            return await db.SaveChangesAsync();
        });

        var opened = await sla.OpenAsync(Severity.Major);

        Assert.Equal(Start.AddHours(9), (await sla.LoadAsync(opened.Id)).Sla.FirstTargetDueAt);
    }

    [Theory]
    [InlineData("Sla:WarningAt", "1.5", "Sla:WarningAt must be between 0 and 1")]
    [InlineData("Sla:StartWorkWithin", "-01:00:00", "Sla:StartWorkWithin must be a positive time span")]
    [InlineData("Sla:Resolution:Tier2:Minor", "00:00:00", "Sla:Resolution:Tier2:Minor must be a positive time span")]
    [InlineData("Sla:UrgentSeverities:0", "9", "Sla:UrgentSeverities may only hold severities 1 to 4")]
    public async Task Invalid_policy_is_refused_naming_the_key(string key, string value, string message)
    {
        await using var host = await CoreTestHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value });
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SlaOptions>>().Value);
        Assert.Contains(error.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }
}
