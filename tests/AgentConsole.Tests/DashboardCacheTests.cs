using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebTicketing.AgentConsole.Dashboard;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;

namespace WebTicketing.AgentConsole.Tests;

public sealed class DashboardCacheTests(SeededConsoleOnFakeClock console) : IClassFixture<SeededConsoleOnFakeClock>
{
    private readonly ConsoleApp app = console.App;
    private readonly FakeTimeProvider time = console.Time;

    [Fact]
    public async Task Dashboard_is_computed_once_for_everyone_and_refreshed_in_the_background_after_thirty_seconds()
    {
        using var supervisor = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        var before = await app.WithDbAsync(db => db.Cases.CountAsync());
        Assert.Contains($"id=\"open-count\">{before}<", await supervisor.GetStringAsync("/"));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CaseWorkflow>()
                .OpenAsync(new OpenCaseRequest(app.Data.AcmeRouter.Id, Severity.Minor, "Switch sin enlace", Channel.Web), Actor.System);
        }
        time.Advance(TimeSpan.FromSeconds(29));
        var cached = await agent.GetStringAsync("/");
        time.Advance(TimeSpan.FromSeconds(2));
        var stale = await agent.GetStringAsync("/");
        await app.Services.GetRequiredService<DashboardCache>().Refreshing;
        var refreshed = await agent.GetStringAsync("/");

        Assert.Contains($"id=\"open-count\">{before}<", cached);
        Assert.Contains($"id=\"open-count\">{before}<", stale);
        Assert.Contains($"id=\"open-count\">{before + 1}<", refreshed);
    }
}
