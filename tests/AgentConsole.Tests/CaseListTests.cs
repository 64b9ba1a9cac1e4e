using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;

namespace WebTicketing.AgentConsole.Tests;

/// <summary>The list over 130 cases: 70 Acme cases with SLA due times (some equal), 58 without, plus the two seeded.</summary>
public sealed partial class CaseListTests(CaseListTests.ManyCases many) : IClassFixture<CaseListTests.ManyCases>
{
    private readonly ConsoleApp app = many.App;

    public sealed class ManyCases : IAsyncLifetime
    {
        public ConsoleApp App { get; } = new();

        public async Task InitializeAsync()
        {
            await App.SeedAsync();
            await using var scope = App.Services.CreateAsyncScope();
            var workflow = scope.ServiceProvider.GetRequiredService<CaseWorkflow>();
            var db = scope.ServiceProvider.GetRequiredService<WebTicketing.Core.Data.WebTicketingDb>();
            var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < 128; i++)
            {
                var equipment = i % 2 == 0 ? App.Data.AcmeRouter : App.Data.AcmeSwitch;
                var opened = await workflow.OpenAsync(new OpenCaseRequest(equipment.Id, (Severity)(i % 4 + 1), $"Batch case {i}", Channel.Web), Actor.System);
                if (i < 70)
                {
                    // Pairs share a due time so the id tie-break is exercised across page boundaries.
                    var tracked = await db.Cases.SingleAsync(c => c.Id == opened.Case!.Id);
                    tracked.Sla.FirstTargetDueAt = start.AddMinutes(70 - i / 2 * 2);
                    tracked.Sla.NextDueAt = tracked.Sla.FirstTargetDueAt;
                    await db.SaveChangesAsync();
                }
            }
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Paging_walks_every_case_once_in_SLA_due_order_then_by_id()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var expected = await app.WithDbAsync(db => db.Cases.AsNoTracking()
            .Select(c => new { c.Number, c.Id, Due = c.Sla.NextDueAt }).ToListAsync());
        var order = expected.OrderBy(c => c.Due is null).ThenBy(c => c.Due).ThenBy(c => c.Id).Select(c => c.Number).ToList();

        var seen = new List<string>();
        var url = "/cases?status=all";
        var pages = 0;
        while (url is not null)
        {
            var html = await client.GetStringAsync(url);
            seen.AddRange(RowNumber().Matches(html).Select(m => m.Groups[1].Value));
            url = NextPage().Match(html) is { Success: true } next ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
            pages++;
        }

        Assert.Equal(order, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Paging_through_a_search_walks_every_match_once_in_SLA_due_order()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var expected = await app.WithDbAsync(db => db.Cases.AsNoTracking().Where(c => c.Description.StartsWith("Batch case"))
            .Select(c => new { c.Number, c.Id, Due = c.Sla.NextDueAt }).ToListAsync());
        var order = expected.OrderBy(c => c.Due is null).ThenBy(c => c.Due).ThenBy(c => c.Id).Select(c => c.Number).ToList();

        // The first page comes from walking the list (every timed case matches), the last ones from the search index.
        var seen = new List<string>();
        var url = "/cases?status=all&q=BATCH";
        while (url is not null)
        {
            var html = await client.GetStringAsync(url);
            seen.AddRange(RowNumber().Matches(html).Select(m => m.Groups[1].Value));
            url = NextPage().Match(html) is { Success: true } next ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }

        Assert.Equal(128, order.Count);
        Assert.Equal(order, seen);
    }

    [Fact]
    public async Task Customer_list_shows_only_their_organizations_cases()
    {
        using var client = await app.SignedInAsync(ConsoleData.GlobexEmail);

        var html = await client.GetStringAsync("/cases?status=all");

        Assert.Equal([app.Data.GlobexCase.Number], RowNumber().Matches(html).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Customer_cannot_widen_the_list_with_another_organizations_filter()
    {
        using var client = await app.SignedInAsync(ConsoleData.GlobexEmail);

        var html = await client.GetStringAsync($"/cases?status=all&organization={app.Data.Acme.Id}&all=true");

        Assert.Equal([app.Data.GlobexCase.Number], RowNumber().Matches(html).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Agent_sees_their_support_groups_cases_by_default_and_every_case_on_request()
    {
        using var client = await app.SignedInAsync(ConsoleData.AgentEmail);

        var mine = RowNumber().Matches(await client.GetStringAsync($"/cases?q={app.Data.GlobexCase.Number}")).Count;
        var all = RowNumber().Matches(await client.GetStringAsync($"/cases?q={app.Data.GlobexCase.Number}&all=true")).Count;

        Assert.Equal(0, mine);
        Assert.Equal(1, all);
    }

    [Fact]
    public async Task Local_scope_shows_one_site_and_regional_scope_one_region()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);

        var local = await client.GetStringAsync($"/cases?status=all&scope=Local&site={app.Data.AcmeWarehouse.Id}&q=Batch");
        var regional = await client.GetStringAsync($"/cases?status=all&scope=Regional&region={app.Data.Mexico.Id}");

        Assert.Equal(50, RowNumber().Matches(local).Count);
        Assert.DoesNotContain("Acme HQ", local[local.IndexOf("<tbody", StringComparison.Ordinal)..]);
        Assert.Equal([app.Data.GlobexCase.Number], RowNumber().Matches(regional).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Filters_by_severity_and_text_in_the_description()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);

        var html = await client.GetStringAsync("/cases?status=all&severity=Critical&q=batch+case+12");

        // "Batch case 12" and 120..127 match the text; of those, severity 1 are i % 4 == 0: 12, 120, 124.
        Assert.Equal(3, RowNumber().Matches(html).Count);
    }

    [Fact]
    public async Task Search_finds_text_inside_a_description_whatever_its_case()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);

        var html = await client.GetStringAsync("/cases?status=all&q=ATCH+CASE+10");

        // "Batch case 10" and 100..109.
        Assert.Equal(11, RowNumber().Matches(html).Count);
    }

    [Fact]
    public async Task Search_by_part_of_a_case_number_as_it_is_printed()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var number = app.Data.GlobexCase.Number;

        var grouped = await client.GetStringAsync($"/cases?status=all&q={number[..4]}+{number[4..7]}");

        Assert.Contains(number, RowNumber().Matches(grouped).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Two_digits_search_the_start_of_case_numbers_and_two_letters_ask_for_more()
    {
        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var numbers = await app.WithDbAsync(db => db.Cases.Select(c => c.Number).ToListAsync());
        var prefix = app.Data.GlobexCase.Number[..2];

        var digits = await client.GetStringAsync($"/cases?status=all&q={prefix}");
        var letters = await client.GetStringAsync("/cases?status=all&q=ba");

        Assert.Equal(Math.Min(50, numbers.Count(n => n.StartsWith(prefix, StringComparison.Ordinal))), RowNumber().Matches(digits).Count);
        Assert.DoesNotContain("q-too-short", digits);
        Assert.Empty(RowNumber().Matches(letters));
        Assert.Contains("id=\"q-too-short\"", letters);
    }

    [GeneratedRegex("<tr data-case=\"(\\d{8})\"")]
    private static partial Regex RowNumber();

    [GeneratedRegex("id=\"next-page\" href=\"([^\"]+)\"")]
    private static partial Regex NextPage();
}
