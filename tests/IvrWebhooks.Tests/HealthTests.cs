using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace WebTicketing.IvrWebhooks.Tests;

public sealed class HealthTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "webticketing-tests", Guid.NewGuid().ToString("n"));
    private readonly WebApplicationFactory<Program> factory;

    public HealthTests() =>
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Storage:Root", root)
            .UseSetting("Jobs:RunServer", "false")
            .UseSetting("Directory:SeedDemo", "false"));

    [Fact]
    public async Task Healthz_answers_healthy_once_the_database_is_migrated()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(root, "webticketing.db")));
    }

    public void Dispose() => factory.Dispose();
}
