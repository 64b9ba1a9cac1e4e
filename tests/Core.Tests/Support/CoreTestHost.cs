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

    /// <summary>Starts on a fresh folder, or on <paramref name="root"/> to share a database as the two apps do.</summary>
    public static async Task<CoreTestHost> StartAsync(Action<HostApplicationBuilder>? configure = null, string? root = null)
    {
        root ??= NewRoot();
        var time = new FakeTimeProvider(Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Root"] = root,
            ["Jobs:RunServer"] = "false",
            ["Twilio:AuthToken"] = "test-auth-token",
            ["Directory:SeedDemo"] = "false",
        });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddCore();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.Services.InitializeDatabaseAsync();
        return new CoreTestHost(host, root, time);
    }

    public static string NewRoot() => Path.Combine(Path.GetTempPath(), "webticketing-tests", Guid.NewGuid().ToString("n"));

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public async Task<T> WithDbAsync<T>(Func<WebTicketingDb, Task<T>> work)
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
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
