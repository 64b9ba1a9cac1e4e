using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;

namespace WebTicketing.AgentConsole.Tests;

/// <summary>The search index outside the migration: created at start-up, filled from cases already there, kept in step.</summary>
public sealed partial class CaseSearchIndexTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    [Fact]
    public async Task Cases_stored_before_the_index_existed_are_found_once_it_is_created_at_start_up()
    {
        await app.WithDbAsync(async db =>
        {
            await CaseSearch.DropIndexAsync(db);
            return 0;
        });
        var before = await OpenAsync("Ventilador ruidoso en el rack 7");

        await app.WithDbAsync(async db =>
        {
            await CaseIndexes.EnsureAsync(db);
            await CaseIndexes.EnsureAsync(db); // every start runs it: the second time changes nothing
            return 0;
        });
        var after = await OpenAsync("Otro ventilador, planta 2");

        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var found = Numbers(await client.GetStringAsync("/cases?status=all&q=VENTILADOR"));
        Assert.Equal([before, after], found.Order());
    }

    [Fact]
    public async Task A_changed_description_is_searched_by_its_new_text_only()
    {
        var number = await OpenAsync("Impresora atascada");
        await app.WithDbAsync(db => db.Cases.Where(c => c.Number == number)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Description, "Escáner sin red")));

        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        Assert.Empty(Numbers(await client.GetStringAsync("/cases?status=all&q=atascada")));
        Assert.Equal([number], Numbers(await client.GetStringAsync("/cases?status=all&q=sin+red")));
    }

    [Fact]
    public async Task Search_text_with_quotes_and_operators_is_taken_literally()
    {
        var number = await OpenAsync("Error \"NEAR\" OR * en el panel");

        using var client = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var html = await client.GetStringAsync("/cases?status=all&q=" + Uri.EscapeDataString("\"NEAR\" OR *"));

        Assert.Equal([number], Numbers(html));
    }

    private async Task<string> OpenAsync(string description)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var workflow = scope.ServiceProvider.GetRequiredService<CaseWorkflow>();
        var opened = await workflow.OpenAsync(new OpenCaseRequest(app.Data.AcmeRouter.Id, Severity.Minor, description, Channel.Web), Actor.System);
        return opened.Case!.Number;
    }

    private static List<string> Numbers(string html) => RowNumber().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<tr data-case=\"(\\d{8})\"")]
    private static partial Regex RowNumber();
}
