using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Data;

/// <summary>What an app does with the database when it starts (<c>InitializeDatabaseAsync</c>).</summary>
public sealed class DatabaseStartTests
{
    /// <summary>
    /// On SQLite, EF's migration lock is a row in <c>__EFMigrationsLock</c>: a process killed while migrating leaves it
    /// there, and every later migration waits for it to go. An app restarting on a database that is already up to
    /// date must not be among them: the phone line would stay down until someone deletes the row by hand.
    /// </summary>
    [SqliteOnlyFact]
    public async Task A_restart_on_an_up_to_date_database_does_not_wait_for_a_migration_lock_left_by_a_crashed_process()
    {
        await using var first = await CoreTestHost.StartAsync();
        await first.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            """INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-03-02 08:59:00+00:00')"""));
        first.Stop();

        await using var restarted = await CoreTestHost.StartAsync(sharedDatabase: first.Database)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, await restarted.WithDbAsync(db => db.Cases.CountAsync()));
    }
}
