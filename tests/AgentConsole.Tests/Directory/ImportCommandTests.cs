using Microsoft.Data.Sqlite;
using WebTicketing.Core.Directory;
using WebTicketing.Testing;

namespace WebTicketing.AgentConsole.Tests.Directory;

/// <summary>
/// Runs the console's entry point itself. WebApplicationFactory finds its host by listening to every host built in
/// the process, so these run alone, after the factory-based classes.
/// </summary>
[CollectionDefinition(nameof(ImportCommandTests), DisableParallelization = true)]
public sealed class ImportCommandCollection;

/// <summary>`dotnet run --project src/AgentConsole -- import FILE` through the console's real entry point and configuration.</summary>
[Collection(nameof(ImportCommandTests))]
public sealed class ImportCommandTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "webticketing-tests", Guid.NewGuid().ToString("n"));

    private static int RunConsole(params string[] args) =>
        (int)typeof(Program).Assembly.EntryPoint!.Invoke(null, [args])!;

    private async Task<string> WriteDemoFileAsync()
    {
        System.IO.Directory.CreateDirectory(root);
        var file = Path.Combine(root, "directory.json");
        await File.WriteAllTextAsync(file, DemoDirectory.Read());
        return file;
    }

    private long Count(string table)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(root, "webticketing.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    [SqliteOnlyFact] // the command's default database: the SQLite file under Storage:Root
    public async Task Import_command_loads_the_file_into_the_database_under_storage_root_and_exits_zero()
    {
        var file = await WriteDemoFileAsync();

        var exit = await Task.Run(() => RunConsole("import", file, "--Storage:Root", root, "--environment", "Development"));

        Assert.Equal(DirectoryCli.Imported, exit);
        Assert.Equal(3, Count("Organizations"));
        Assert.Equal(7, Count("AspNetUsers"));
    }

    [SqliteOnlyFact] // the command's default database: the SQLite file under Storage:Root
    public async Task Import_command_refuses_demo_passwords_in_production_and_writes_nothing()
    {
        var file = await WriteDemoFileAsync();

        var exit = await Task.Run(() => RunConsole("import", file, "--Storage:Root", root, "--environment", "Production"));

        Assert.Equal(DirectoryCli.Rejected, exit);
        Assert.Equal(0, Count("Organizations"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A connection still finalizing: the OS cleans the temp folder eventually.
        }
    }
}
