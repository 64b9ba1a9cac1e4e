using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebTicketing.Core.Data;

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the writer; synchronous=NORMAL is durable under WAL
/// except for the last transactions before a power cut, and makes each commit a write rather than an fsync.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
