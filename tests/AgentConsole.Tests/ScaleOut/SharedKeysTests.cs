using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Data;
using WebTicketing.Testing;

namespace WebTicketing.AgentConsole.Tests.ScaleOut;

/// <summary>Two console instances on one database, as behind a load balancer without sticky sessions.</summary>
public sealed class SharedKeysTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly List<WebApplicationFactory<Program>> instances = [];

    public async Task InitializeAsync()
    {
        instances.AddRange(Enumerable.Range(0, 2).Select(_ => new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseTestDatabase(database)
            .UseSetting("Jobs:RunServer", "false"))));
        foreach (var instance in instances)
        {
            // Starting the host migrates the shared database.
            using var client = instance.CreateClient();
            Assert.True((await client.GetAsync("/healthz")).IsSuccessStatusCode);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_cookie_protected_by_one_instance_is_read_by_the_other_through_keys_in_the_database()
    {
        var protectedOnA = Protector(0).Protect("signed-in agent");

        Assert.Equal("signed-in agent", Protector(1).Unprotect(protectedOnA));
        await using var scope = instances[1].Services.CreateAsyncScope();
        Assert.NotEmpty(await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().DataProtectionKeys.ToListAsync());
    }

    private IDataProtector Protector(int instance) =>
        instances[instance].Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Microsoft.AspNetCore.Authentication.Cookies");
}
