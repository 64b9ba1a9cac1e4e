using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Directory;

/// <summary>The import command as the console runs it, in-process, on its own database folder.</summary>
public sealed class DirectoryCliTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "webticketing-tests", Guid.NewGuid().ToString("n"));
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    public Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open: the OS cleans the temp folder eventually.
        }
    }

    private async Task<string> WriteFileAsync(string json)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private Task<int> RunAsync(string environment, params string[] args) =>
        DirectoryCli.RunAsync([.. args, .. database.Settings.SelectMany(setting => new[] { $"--{setting.Key}", setting.Value! })],
            configurationArgs => Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configurationArgs, EnvironmentName = environment }),
            builder => builder.Build(), output, error);

    private async Task<List<string>> OrganizationCodesAsync()
    {
        await using var host = await CoreTestHost.StartAsync(sharedDatabase: database);
        return await host.WithDbAsync(db => db.Organizations.Select(o => o.Code).OrderBy(c => c).ToListAsync());
    }

    /// <summary>How the command names the database it wrote to: a file path on SQLite, the server on PostgreSQL.</summary>
    private async Task<string> DataSourceAsync()
    {
        await using var host = await CoreTestHost.StartAsync(sharedDatabase: database);
        return await host.WithDbAsync(db => Task.FromResult(db.Database.GetDbConnection().DataSource));
    }

    [Fact]
    public async Task Valid_file_is_imported_into_the_configured_database_and_exits_zero()
    {
        var file = await WriteFileAsync(DirectorySamples.Valid);

        var exit = await RunAsync(Environments.Development, file);

        Assert.Equal(DirectoryCli.Imported, exit);
        Assert.Empty(error.ToString());
        Assert.Contains(await DataSourceAsync(), output.ToString(), StringComparison.Ordinal);
        Assert.Equal(["hospital", "valle"], await OrganizationCodesAsync());
    }

    [Fact]
    public async Task Running_the_same_import_again_reports_no_change()
    {
        var file = await WriteFileAsync(DirectorySamples.Valid);
        await RunAsync(Environments.Development, file);
        output.GetStringBuilder().Clear();

        var exit = await RunAsync(Environments.Development, file);

        Assert.Equal(DirectoryCli.Imported, exit);
        Assert.Contains(": 0 change(s).", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_file_prints_each_problem_with_its_path_exits_one_and_writes_nothing()
    {
        var file = await WriteFileAsync(DirectorySamples.With(f =>
        {
            f.Site(1, 0)["region"] = "xx";
            f.Agent(0)["email"] = "ana-at-soporte";
        }));

        var exit = await RunAsync(Environments.Development, file);

        Assert.Equal(DirectoryCli.Rejected, exit);
        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("$.organizations[1].sites[0].region: unknown region 'xx'", lines[0]);
        Assert.StartsWith("$.agents[0].email: ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("2 problem(s); nothing was written to " + await DataSourceAsync() + ".", lines[2], StringComparison.Ordinal);
        Assert.Empty(output.ToString());
        Assert.Empty(await OrganizationCodesAsync());
    }

    [Fact]
    public async Task Demo_passwords_are_refused_outside_the_development_environment()
    {
        var file = await WriteFileAsync(DirectorySamples.Valid);

        var exit = await RunAsync(Environments.Production, file);

        Assert.Equal(DirectoryCli.Rejected, exit);
        Assert.Contains("$.agents[0].login.password: passwords in the file are for demo directories only", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_file_exits_two()
    {
        var exit = await RunAsync(Environments.Development, Path.Combine(folder, "missing.json"));

        Assert.Equal(DirectoryCli.Failed, exit);
        Assert.Contains("missing.json", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_without_a_file_prints_usage_and_exits_two()
    {
        var exit = await DirectoryCli.RunAsync([], Host.CreateApplicationBuilder, builder => builder.Build(), output, error);

        Assert.Equal(DirectoryCli.Failed, exit);
        Assert.StartsWith("usage: import FILE", error.ToString(), StringComparison.Ordinal);
    }
}
