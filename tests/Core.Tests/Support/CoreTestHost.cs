using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Core.Tests.Support;

/// <summary>
/// Core as the apps register it, on a real SQLite file in a fresh folder, with a clock the test moves.
/// One per test class; nothing is shared between classes.
/// </summary>
public sealed class CoreTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly bool ownsRoot;
    private bool started;

    private CoreTestHost(IHost host, string root, FakeTimeProvider time, bool ownsRoot)
    {
        Host = host;
        Root = root;
        Time = time;
        this.ownsRoot = ownsRoot;
    }

    public IHost Host { get; }
    public string Root { get; }
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => Host.Services;

    /// <param name="settings">Configuration read before Core registers itself (e.g. <c>Jobs:RunServer</c>, <c>Sla:...</c>).</param>
    /// <param name="root">An earlier host's <see cref="Root"/> to restart on the same data, as a restarted app would; the caller deletes it.</param>
    /// <param name="now">Where a new clock starts; <see cref="Start"/> by default.</param>
    /// <param name="time">The clock to carry over on a restart.</param>
    public static async Task<CoreTestHost> StartAsync(
        Action<HostApplicationBuilder>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? root = null,
        DateTimeOffset? now = null,
        FakeTimeProvider? time = null)
    {
        var ownsRoot = root is null;
        root ??= NewRoot();
        time ??= new FakeTimeProvider(now ?? Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Root"] = root,
            ["Jobs:RunServer"] = "false",
            ["Twilio:AuthToken"] = "test-auth-token",
            ["Directory:SeedDemo"] = "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddCore();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.Services.InitializeDatabaseAsync();
        return new CoreTestHost(host, root, time, ownsRoot);
    }

    public static string NewRoot() => Path.Combine(Path.GetTempPath(), "webticketing-tests", Guid.NewGuid().ToString("n"));

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

    /// <summary>Stops the host as a crash would leave things: the data stays for the next host on the same root.</summary>
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
        if (!ownsRoot)
        {
            return;
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
