using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebTicketing.Core.Data;

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the writer; synchronous=NORMAL is durable under WAL
/// except for the last transactions before a power cut, and makes each commit a write rather than an fsync.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
    private const int SqliteReadOnly = 8;
    private const int Attempts = 20;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(25);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = Pragmas;
                command.ExecuteNonQuery();
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
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (SqliteException e) when (IsTransient(e, attempt))
            {
                await Task.Delay(Pause, cancellationToken);
            }
        }
    }

    // Two processes opening a brand-new database at once (both apps starting on an empty Storage:Root) can see
    // SQLITE_READONLY while the other sets up the WAL index; SQLite documents it as transient, to be retried.
    private static bool IsTransient(SqliteException e, int attempt) => e.SqliteErrorCode == SqliteReadOnly && attempt < Attempts;
}
