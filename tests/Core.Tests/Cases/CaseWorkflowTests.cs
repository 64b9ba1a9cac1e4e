using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Cases;

public sealed class CaseWorkflowTests : IAsyncLifetime
{
    private CoreTestHost host = null!;
    private TestDirectory directory = null!;
    private static readonly Actor Agent = Actor.ForAgent(1, "Carmen");

    public async Task InitializeAsync()
    {
        host = await CoreTestHost.StartAsync();
        directory = await host.WithDbAsync(TestDirectory.SeedAsync);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<T> WithWorkflowAsync<T>(Func<CaseWorkflow, Task<T>> work)
    {
        await using var scope = host.Scope();
        return await work(scope.ServiceProvider.GetRequiredService<CaseWorkflow>());
    }

    private Task<Case> OpenAsync(Severity severity = Severity.Major, string? key = null) =>
        WithWorkflowAsync(async workflow =>
        {
            var change = await workflow.OpenAsync(
                new OpenCaseRequest(directory.AcmeRouter.Id, severity, "Router reboots every hour", Channel.Web, directory.AcmeContact.Id, OpeningKey: key),
                Actor.ForContact(directory.AcmeContact.Id, directory.Acme.Id, "Ana"));
            Assert.True(change.Succeeded, change.Problem);
            return change.Case!;
        });

    [Fact]
    public async Task Opened_case_gets_a_number_its_site_region_routed_group_and_an_opened_event()
    {
        var opened = await OpenAsync();

        var stored = await host.WithDbAsync(db => db.Cases.Include(c => c.Events).SingleAsync(c => c.Id == opened.Id));
        Assert.True(CaseNumber.TryParse(stored.Number, out _));
        Assert.Equal(directory.Acme.Id, stored.OrganizationId);
        Assert.Equal(directory.Madrid.Id, stored.RegionId);
        Assert.Equal(directory.NetworkGroup.Id, stored.SupportGroupId);
        Assert.Equal(CaseStatus.New, stored.Status);
        Assert.Equal(CoreTestHost.Start, stored.OpenedAt);
        var opening = Assert.Single(stored.Events);
        Assert.Equal(CaseEventKind.Opened, opening.Kind);
        Assert.Equal("Ana", opening.Actor);
    }

    [Fact]
    public async Task Old_versions_route_to_the_group_owning_them_and_unknown_products_to_the_default_group()
    {
        var legacy = await WithWorkflowAsync(w => w.OpenAsync(new OpenCaseRequest(directory.AcmeOldRouter.Id, Severity.Minor, "x", Channel.Phone), Actor.Phone));
        var other = await WithWorkflowAsync(w => w.OpenAsync(new OpenCaseRequest(directory.GlobexStorage.Id, Severity.Minor, "x", Channel.Phone), Actor.Phone));

        Assert.Equal(directory.LegacyNetworkGroup.Id, legacy.Case!.SupportGroupId);
        Assert.Equal(directory.DefaultGroup.Id, other.Case!.SupportGroupId);
    }

    [Fact]
    public async Task Many_cases_opened_in_parallel_all_get_different_numbers()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => OpenAsync())));

        Assert.Equal(60, opened.Select(c => c.Number).Distinct().Count());
        Assert.All(opened, c => Assert.True(CaseNumber.TryParse(c.Number, out _)));
    }

    [Fact]
    public async Task Opening_twice_with_the_same_key_returns_the_first_case()
    {
        var first = await OpenAsync(key: "call:CA42");
        var retried = await OpenAsync(key: "call:CA42");

        Assert.Equal(first.Id, retried.Id);
        Assert.Equal(1, await host.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task A_database_without_the_case_counter_starts_it_and_stores_the_case_once_with_its_number()
    {
        await host.WithDbAsync(db => db.Sequences.Where(s => s.Name == "case").ExecuteDeleteAsync());

        var opened = await OpenAsync();
        var second = await OpenAsync();

        var stored = await host.WithDbAsync(db => db.Cases.Include(c => c.Events).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal([CaseNumber.FromSequence(1).Value, CaseNumber.FromSequence(2).Value], stored.Select(c => c.Number));
        Assert.Equal([opened.Id, second.Id], stored.Select(c => c.Id));
        Assert.All(stored, c => Assert.Single(c.Events));
    }

    [Fact]
    public async Task A_customer_cannot_open_a_case_on_another_organizations_equipment()
    {
        var change = await WithWorkflowAsync(w => w.OpenAsync(
            new OpenCaseRequest(directory.GlobexStorage.Id, Severity.Minor, "x", Channel.Web),
            Actor.ForContact(directory.AcmeContact.Id, directory.Acme.Id, "Ana")));

        Assert.Equal(CaseChangeOutcome.NotFound, change.Outcome);
    }

    [Fact]
    public async Task Allowed_transitions_go_through_and_write_the_timeline()
    {
        var opened = await OpenAsync();
        var started = await WithWorkflowAsync(w => w.ChangeStatusAsync(opened.Id, opened.Version, CaseStatus.InProgress, Agent));
        host.Time.Advance(TimeSpan.FromMinutes(30));
        var resolved = await WithWorkflowAsync(w => w.ResolveAsync(opened.Id, started.Case!.Version, Agent, "Firmware updated"));

        Assert.True(resolved.Succeeded);
        var stored = await host.WithDbAsync(db => db.Cases.Include(c => c.Events).SingleAsync(c => c.Id == opened.Id));
        Assert.Equal(CaseStatus.Resolved, stored.Status);
        Assert.Equal(CoreTestHost.Start, stored.WorkStartedAt);
        Assert.Equal(CoreTestHost.Start.AddMinutes(30), stored.ResolvedAt);
        Assert.Equal(
            [CaseEventKind.Opened, CaseEventKind.StatusChanged, CaseEventKind.SlaMet, CaseEventKind.StatusChanged],
            stored.Events.OrderBy(e => e.Id).Select(e => e.Kind));
        Assert.Contains("Firmware updated", stored.Events.OrderBy(e => e.Id).Last().Text);
    }

    [Theory]
    [InlineData(CaseStatus.New, CaseStatus.Closed)]
    [InlineData(CaseStatus.InProgress, CaseStatus.New)]
    [InlineData(CaseStatus.Closed, CaseStatus.InProgress)]
    public async Task Forbidden_transitions_are_refused_and_change_nothing(CaseStatus from, CaseStatus to)
    {
        var opened = await OpenAsync();
        await host.WithDbAsync(async db =>
        {
            await db.Cases.Where(c => c.Id == opened.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, from));
            return 0;
        });

        var change = await WithWorkflowAsync(w => w.ChangeStatusAsync(opened.Id, null, to, Agent));

        Assert.Equal(CaseChangeOutcome.NotAllowed, change.Outcome);
        Assert.Equal(from, await host.WithDbAsync(db => db.Cases.Where(c => c.Id == opened.Id).Select(c => c.Status).SingleAsync()));
    }

    [Fact]
    public async Task The_second_of_two_agents_saving_the_same_version_gets_a_conflict()
    {
        var opened = await OpenAsync();
        var seenByBoth = opened.Version;

        var first = await WithWorkflowAsync(w => w.ChangeSeverityAsync(opened.Id, seenByBoth, Severity.Critical, Agent));
        var second = await WithWorkflowAsync(w => w.AddNoteAsync(opened.Id, seenByBoth, "I think it is minor", isPublic: true, Agent));

        Assert.True(first.Succeeded);
        Assert.Equal(CaseChangeOutcome.Conflict, second.Outcome);
        Assert.Equal(Severity.Critical, second.Case!.Severity);
        Assert.DoesNotContain(await host.WithDbAsync(db => db.CaseEvents.Select(e => e.Text).ToListAsync()), t => t == "I think it is minor");
    }

    [Fact]
    public async Task Concurrent_saves_of_one_loaded_case_are_caught_by_the_concurrency_token()
    {
        var opened = await OpenAsync();
        await using var scopeA = host.Scope();
        await using var scopeB = host.Scope();
        var dbA = scopeA.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var dbB = scopeB.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var a = await dbA.Cases.SingleAsync(c => c.Id == opened.Id);
        var b = await dbB.Cases.SingleAsync(c => c.Id == opened.Id);

        a.Description = "A's edit";
        await dbA.SaveChangesAsync();
        b.Description = "B's edit";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => dbB.SaveChangesAsync());
    }

    [Fact]
    public async Task Customers_cannot_write_internal_notes_and_agents_public_notes_count_as_first_response()
    {
        var opened = await OpenAsync();
        var customer = Actor.ForContact(directory.AcmeContact.Id, directory.Acme.Id, "Ana");

        var internalByCustomer = await WithWorkflowAsync(w => w.AddNoteAsync(opened.Id, null, "psst", isPublic: false, customer));
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var reply = await WithWorkflowAsync(w => w.AddNoteAsync(opened.Id, null, "Looking into it", isPublic: true, Agent));

        Assert.Equal(CaseChangeOutcome.NotAllowed, internalByCustomer.Outcome);
        Assert.Equal(CoreTestHost.Start.AddMinutes(5), reply.Case!.FirstRespondedAt);
    }

    [Fact]
    public async Task A_customer_of_another_organization_gets_not_found_for_any_change()
    {
        var opened = await OpenAsync();
        var stranger = Actor.ForContact(directory.GlobexContact.Id, directory.Globex.Id, "Bob");

        var change = await WithWorkflowAsync(w => w.AddNoteAsync(opened.Id, null, "hello", isPublic: true, stranger));

        Assert.Equal(CaseChangeOutcome.NotFound, change.Outcome);
    }

    [Fact]
    public async Task Escalation_climbs_the_tiers_to_the_supervisors_and_then_stops()
    {
        var opened = await OpenAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await WithWorkflowAsync(w => w.EscalateAsync(opened.Id, null, Agent, "needs an expert"))).Succeeded);
        }
        var beyond = await WithWorkflowAsync(w => w.EscalateAsync(opened.Id, null, Agent, "again"));

        Assert.Equal(CaseChangeOutcome.NotAllowed, beyond.Outcome);
        Assert.Equal(4, await host.WithDbAsync(db => db.Cases.Where(c => c.Id == opened.Id).Select(c => c.Tier).SingleAsync()));
    }

    [Fact]
    public async Task A_customer_can_reopen_a_resolved_case_but_not_resolve_one()
    {
        var opened = await OpenAsync();
        var customer = Actor.ForContact(directory.AcmeContact.Id, directory.Acme.Id, "Ana");

        var byCustomer = await WithWorkflowAsync(w => w.ResolveAsync(opened.Id, null, customer, "fixed itself"));
        await WithWorkflowAsync(w => w.ResolveAsync(opened.Id, null, Agent, "fixed"));
        var reopened = await WithWorkflowAsync(w => w.ReopenAsync(opened.Id, null, customer, "it is back"));

        Assert.Equal(CaseChangeOutcome.NotAllowed, byCustomer.Outcome);
        Assert.True(reopened.Succeeded);
        Assert.Equal(CaseStatus.InProgress, reopened.Case!.Status);
        Assert.Null(reopened.Case.ResolvedAt);
    }
}
