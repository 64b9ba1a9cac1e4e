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

    private CoreTestHost(IHost host, string root, FakeTimeProvider time)
    {
        Host = host;
        Root = root;
        Time = time;
    }

    public IHost Host { get; }
    public string Root { get; }
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => Host.Services;

    /// <param name="root">An earlier host's <see cref="Root"/> to restart on the same data; a fresh folder when null.</param>
    /// <param name="time">The clock to carry over on a restart.</param>
    public static async Task<CoreTestHost> StartAsync(Action<HostApplicationBuilder>? configure = null, string? root = null, FakeTimeProvider? time = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "webticketing-tests", Guid.NewGuid().ToString("n"));
        time ??= new FakeTimeProvider(Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Root"] = root,
            ["Jobs:RunServer"] = "false",
            ["Twilio:AuthToken"] = "test-auth-token",
        });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddCore();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.Services.InitializeDatabaseAsync();
        return new CoreTestHost(host, root, time);
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
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
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
