using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace WebTicketing.Testing;

/// <summary>
/// A fresh database for one test class. By default a SQLite file in a new folder; when
/// <c>WEBTICKETING_TEST_POSTGRES</c> holds a connection string to a PostgreSQL server (a user allowed to create
/// databases), a new database on that server, dropped again on dispose. Either way <see cref="Root"/> is a new
/// <c>Storage:Root</c>. Two hosts given the same instance share one database, as instances of a deployment do.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "WEBTICKETING_TEST_POSTGRES";

    private TestDatabase(string root, string? postgresServer, string? postgresName)
    {
        Root = root;
        PostgresServer = postgresServer;
        PostgresName = postgresName;
    }

    public static bool UsesPostgres => Server is not null;

    public string Root { get; }
    public string? PostgresServer { get; }
    public string? PostgresName { get; }

    /// <summary>The configuration a host needs to use this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => PostgresName is null
        ? new Dictionary<string, string?> { ["Storage:Root"] = Root }
        : new Dictionary<string, string?>
        {
            ["Storage:Root"] = Root,
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:WebTicketing"] = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = PostgresName }.ToString(),
        };

    private static string? Server => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server ? server : null;

    public static TestDatabase Create()
    {
        var id = Guid.NewGuid().ToString("n");
        var root = Path.Combine(Path.GetTempPath(), "webticketing-tests", id);
        if (Server is not { } server)
        {
            return new TestDatabase(root, null, null);
        }
        var name = $"webticketing_test_{id}";
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""CREATE DATABASE "{name}" """;
        command.ExecuteNonQuery();
        return new TestDatabase(root, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (PostgresName is not null)
        {
            // Idle pooled connections (the host's, Hangfire's) would keep the database busy: FORCE ends them.
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""DROP DATABASE IF EXISTS "{PostgresName}" WITH (FORCE)""";
            await command.ExecuteNonQueryAsync();
        }
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizing connection: the temp folder is cleaned by the OS eventually.
        }
    }
}

public static class TestDatabaseHosting
{
    /// <summary>Points a WebApplicationFactory's app at the test database.</summary>
    public static IWebHostBuilder UseTestDatabase(this IWebHostBuilder web, TestDatabase database)
    {
        foreach (var (key, value) in database.Settings)
        {
            web.UseSetting(key, value);
        }
        return web;
    }
}

/// <summary>
/// A test about SQLite itself (its query plans, its file, its tables list): skipped in the PostgreSQL run, where the
/// behaviour it guards does not exist.
/// </summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute()
    {
        if (TestDatabase.UsesPostgres)
        {
            Skip = $"SQLite-specific; {TestDatabase.PostgresVariable} is set.";
        }
    }
}
