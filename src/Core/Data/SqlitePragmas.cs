using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebTicketing.Core.Data;

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the writer; synchronous=NORMAL is durable under WAL
/// except for the last transactions before a power cut, and makes each commit a write rather than an fsync.
/// temp_store=MEMORY keeps statement journals in memory: a case's insert (17 indexes and the search index) journals
/// more than SQLite's 64 KiB spill limit, and each one created, wrote and deleted a file in /var/tmp; measured,
/// opening a case took 13 % less CPU without them (bench/README.md).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>What each connection sets for itself (WAL is the file's); <see cref="Telephony.CallSessionRows"/>' own connection sets it too.</summary>
    internal const string PerConnection = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    private const string Pragmas = "PRAGMA journal_mode=WAL; " + PerConnection;
    private const int SqliteReadOnly = 8;
    private const int Attempts = 20;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(25);

    // EF opens and closes the connection around every query, and Microsoft.Data.Sqlite's pool hands back the same
    // native connection each time, where these settings persist: running them on every open cost a round of three
    // statements per query. Keyed weakly by the native handle, so a connection the pool closes drops out.
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsConfigured(connection))
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = Pragmas;
                command.ExecuteNonQuery();
                Remember(connection);
                return;
            }
            catch (SqliteException e) when (IsTransient(e, attempt))
            {
                Thread.Sleep(Pause);
            }
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsConfigured(connection))
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
                Remember(connection);
                return;
            }
            catch (SqliteException e) when (IsTransient(e, attempt))
            {
                await Task.Delay(Pause, cancellationToken);
            }
        }
    }

    private static bool IsConfigured(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out _);

    private static void Remember(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            Configured.AddOrUpdate(handle, handle);
        }
    }

    // Two processes opening a brand-new database at once (both apps starting on an empty Storage:Root) can see
    // SQLITE_READONLY while the other sets up the WAL index; SQLite documents it as transient, to be retried.
    private static bool IsTransient(SqliteException e, int attempt) => e.SqliteErrorCode == SqliteReadOnly && attempt < Attempts;
}
