using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Notifications;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Support;

/// <summary>
/// Core as the apps register it, on a real database of its own (a SQLite file in a fresh folder, or a fresh
/// PostgreSQL database when WEBTICKETING_TEST_POSTGRES is set), with a clock the test moves.
/// One per test class; nothing is shared between classes.
/// </summary>
public sealed class CoreTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly bool ownsDatabase;
    private bool started;

    private CoreTestHost(IHost host, TestDatabase database, bool ownsDatabase, FakeTimeProvider time)
    {
        Host = host;
        Database = database;
        this.ownsDatabase = ownsDatabase;
        Time = time;
    }

    public IHost Host { get; }
    public TestDatabase Database { get; }
    public string Root => Database.Root;
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => Host.Services;

    /// <param name="settings">Configuration read before Core registers itself (e.g. <c>Jobs:RunServer</c>, <c>Sla:...</c>).</param>
    /// <param name="sharedDatabase">
    /// Another host's <see cref="Database"/>: a second instance of the same deployment, or the same app restarted on
    /// its data. The caller disposes it.
    /// </param>
    /// <param name="now">Where a new clock starts; <see cref="Start"/> by default.</param>
    /// <param name="time">The clock to carry over on a restart.</param>
    public static async Task<CoreTestHost> StartAsync(
        Action<HostApplicationBuilder>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        TestDatabase? sharedDatabase = null,
        DateTimeOffset? now = null,
        FakeTimeProvider? time = null)
    {
        var database = sharedDatabase ?? TestDatabase.Create();
        time ??= new FakeTimeProvider(now ?? Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(database.Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:RunServer"] = "false",
            ["Twilio:AuthToken"] = "test-auth-token",
            ["Directory:SeedDemo"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddCore();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.Services.InitializeDatabaseAsync();
        return new CoreTestHost(host, database, ownsDatabase: sharedDatabase is null, time);
    }

    /// <summary>Runs the hosted services (the Hangfire server when <c>Jobs:RunServer</c> is true, the SLA start-up sweep).</summary>
    public async Task RunAsync()
    {
        await Host.StartAsync();
        started = true;
    }

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public async Task<T> WithDbAsync<T>(Func<WebTicketingDb, Task<T>> work)
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }

    public async Task WithDbAsync(Func<WebTicketingDb, Task> work)
    {
        await using var scope = Scope();
        await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }

    /// <summary>
    /// The SMS send jobs enqueued so far, oldest first, by the outbox message ids each carries (a host without a job
    /// server only enqueues them).
    /// </summary>
    public List<long[]> EnqueuedSmsJobs() =>
        Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 1000)
            .OrderBy(j => long.Parse(j.Key, CultureInfo.InvariantCulture))
            .Select(j => j.Value.Job)
            .Where(j => j.Type == typeof(SmsSender) && j.Method.Name == nameof(SmsSender.SendAsync))
            .Select(j => Assert.IsType<long[]>(j.Args[0]))
            .ToList();

    /// <summary>Stops the host as a crash would leave things: the data stays for the next host on the same database.</summary>
    public void Stop()
    {
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            await Host.StopAsync();
        }
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
