using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Data;
using WebTicketing.Testing;

namespace WebTicketing.IvrWebhooks.Tests;

public sealed class HealthTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly WebApplicationFactory<Program> factory;

    public HealthTests() =>
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseTestDatabase(database)
            .UseSetting("Jobs:RunServer", "false")
            .UseSetting("Directory:SeedDemo", "false"));

    [Fact]
    public async Task Healthz_answers_healthy_once_the_database_is_migrated()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().Database.GetPendingMigrationsAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await database.DisposeAsync();
    }
}
