using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Directory;

public sealed class DemoSeedingTests
{
    private static void SeedDemo(HostApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Directory:SeedDemo"] = "true" });

    private static Task<int> OrganizationCountAsync(CoreTestHost host) => host.WithDbAsync(db => db.Organizations.CountAsync());

    [Fact]
    public async Task First_start_of_an_empty_database_loads_the_demo_directory_and_later_starts_change_nothing()
    {
        await using var host = await CoreTestHost.StartAsync(SeedDemo);
        Assert.Equal(3, await OrganizationCountAsync(host));
        Assert.True(await host.WithDbAsync(db => db.Users.AnyAsync(u => u.UserName == "admin@soporte.example" && u.PasswordHash != null)));
        var before = await DatabaseRows.DumpAsync(host);

        await host.Services.InitializeDatabaseAsync();

        Assert.Equal(before, await DatabaseRows.DumpAsync(host));
    }

    [Fact]
    public async Task Both_apps_starting_at_once_on_a_new_database_load_the_demo_once()
    {
        await using var database = TestDatabase.Create();

        var hosts = await Task.WhenAll(CoreTestHost.StartAsync(SeedDemo, sharedDatabase: database), CoreTestHost.StartAsync(SeedDemo, sharedDatabase: database));

        Assert.Equal(3, await OrganizationCountAsync(hosts[0]));
        var demo = JsonNode.Parse(DemoDirectory.Read())!;
        var demoCodes = demo["organizations"]!.AsArray()
            .SelectMany(o => o!["sites"]!.AsArray()).SelectMany(s => s!["equipment"]!.AsArray())
            .Sum(e => e!["maintenanceCodes"]!.AsArray().Count);
        Assert.Equal(demoCodes, await hosts[0].WithDbAsync(db => db.MaintenanceCodes.CountAsync()));
        Assert.Equal(demo["agents"]!.AsArray().Count, await hosts[1].WithDbAsync(db => db.Agents.CountAsync()));
        foreach (var host in hosts)
            await host.DisposeAsync();
    }

    [Fact]
    public async Task Demo_is_not_loaded_into_a_directory_that_already_has_organizations()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.ImportDirectoryAsync(DirectorySamples.Valid);

        await using (var scope = host.Scope())
            await DemoDirectory.SeedIfEmptyAsync(scope.ServiceProvider, CancellationToken.None);

        Assert.Equal(["hospital", "valle"], await host.WithDbAsync(db => db.Organizations.Select(o => o.Code).OrderBy(c => c).ToListAsync()));
    }

    [Fact]
    public async Task Start_with_seeding_switched_off_leaves_the_directory_empty()
    {
        await using var host = await CoreTestHost.StartAsync();

        Assert.Equal(0, await OrganizationCountAsync(host));
        Assert.False(await host.WithDbAsync(db => db.Users.AnyAsync()));
    }
}
