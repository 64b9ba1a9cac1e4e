using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Hangfire.Storage.SQLite;
using Hangfire.Storage.SQLite.Entities;
using SQLite;

namespace WebTicketing.Core.Hosting;

/// <summary>
/// What Core needs from Hangfire.Storage.SQLite beyond its defaults. The store runs each statement of a job's creation
/// as its own commit (a job row, its state, the job, the schedule set), and its state write opens a transaction of its
/// own, so its public API cannot put many jobs in one transaction. <see cref="ScheduleMany"/> writes the rows that
/// <c>IBackgroundJobClient.Schedule</c> leaves behind, with the store's own entity types on its own connection, for
/// many jobs in one SQLite transaction: ~0.03 ms per job instead of ~1 ms. Tests run such jobs on a real server.
/// </summary>
internal static class SqliteJobStore
{
    /// <summary>
    /// The store's own connection settings with two changes. synchronous=NORMAL: under WAL each commit is then a write,
    /// not an fsync (15 ms per job on this VM's disk); a power cut may lose the last job-store writes, and SLA
    /// checkpoints are also on the case, where the sweep finds them. FullMutex instead of NoMutex: the store's
    /// distributed lock renews itself from a timer thread on the connection its owner is still using (e.g. waiting
    /// out a busy database), and two threads in one NoMutex connection corrupt native memory; the bench process died
    /// twice of it ("double free or corruption") under a load average of 20.
    /// </summary>
    public static SQLiteStorage Create(string path, SQLiteStorageOptions options)
    {
        var storage = new SQLiteStorage(new SQLiteDbConnectionFactory(() =>
        {
            var connection = new SQLiteConnection(path, SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.FullMutex, storeDateTimeAsTicks: true)
            {
                BusyTimeout = TimeSpan.FromSeconds(10),
            };
            UseWal(connection);
            connection.Execute("PRAGMA synchronous=NORMAL");
            return connection;
        }), options);
        // The delayed-job scheduler asks for the lowest score of the "schedule" set once per job it enqueues; the store
        // indexes Key alone, so each ask sorted every scheduled job (190 ms at 200,000 SLA jobs, which made breaches
        // ≈ 19 s late). With (Key, Score) it is an index seek. (Key, Value) keeps the per-job add/remove lookups off
        // that index: given only the first, SQLite scanned all 200,000 "schedule" rows for each (280 ms).
        using (var context = storage.CreateAndOpenConnection())
        {
            context.Database.Execute("CREATE INDEX IF NOT EXISTS IX_Set_Key_Score ON [Set] (Key, Score)");
            context.Database.Execute("CREATE INDEX IF NOT EXISTS IX_Set_Key_Value ON [Set] (Key, Value)");
        }
        return storage;
    }

    private const int WalAttempts = 40;
    private static readonly TimeSpan WalPause = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Two instances starting at once on a new job store (both apps on an empty Storage:Root, the scale-out tests) race to
    /// switch the file to WAL. The loser gets "database is locked" at once: SQLite does not call the busy handler where
    /// waiting could deadlock. The winner is done within milliseconds, so the loser asks again.
    /// </summary>
    private static void UseWal(SQLiteConnection connection)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                connection.ExecuteScalar<string>("PRAGMA journal_mode=WAL");
                return;
            }
            catch (SQLiteException e) when (e.Result is SQLite3.Result.Busy or SQLite3.Result.Locked && attempt < WalAttempts)
            {
                Thread.Sleep(WalPause);
            }
        }
    }

    /// <summary>Delayed jobs in the Scheduled state, as the client creates them (minus the culture parameters no SLA job reads).</summary>
    public static void ScheduleMany<T>(SQLiteStorage storage, IEnumerable<(Expression<Func<T, Task>> Job, DateTimeOffset At)> jobs, DateTimeOffset now)
    {
        using var context = storage.CreateAndOpenConnection();
        var createdAt = now.UtcDateTime;
        context.Database.RunInTransaction(() =>
        {
            foreach (var (expression, at) in jobs)
            {
                var invocation = InvocationData.SerializeJob(Job.FromExpression(expression));
                var job = new HangfireJob
                {
                    InvocationData = SerializationHelper.Serialize(invocation, SerializationOption.User),
                    Arguments = invocation.Arguments,
                    CreatedAt = createdAt,
                    // Persisted, as applying a non-final state makes it; the server sets an expiry once the job succeeds.
                    ExpireAt = DateTime.MinValue,
                    StateName = ScheduledState.StateName,
                };
                context.Database.Insert(job);
                var state = new ScheduledState(at.UtcDateTime);
                context.Database.Insert(new State
                {
                    JobId = job.Id,
                    Name = state.Name,
                    CreatedAt = createdAt,
                    Data = JsonSerializer.Serialize(state.SerializeData()),
                });
                // The delayed-job scheduler polls this set by score (Unix seconds of the instant).
                context.Database.Insert(new Set
                {
                    Key = "schedule",
                    Value = job.Id.ToString(CultureInfo.InvariantCulture),
                    Score = JobHelper.ToTimestamp(at.UtcDateTime),
                    ExpireAt = DateTime.MinValue,
                });
            }
        });
    }
}
