using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Bench.Data;

/// <summary>Core registered exactly as the apps register it (AddCore), on the bench's own storage folder.</summary>
public static class BenchHost
{
    public static async Task<IHost> StartAsync(string root, bool runJobServer, bool migrate, Action<HostApplicationBuilder>? configure = null)
    {
        System.IO.Directory.CreateDirectory(root);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Root"] = root,
            ["Jobs:RunServer"] = runJobServer ? "true" : "false",
            ["Twilio:AuthToken"] = "bench-token",
        });
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddCore();
        configure?.Invoke(builder);
        var host = builder.Build();
        if (migrate)
        {
            await host.Services.InitializeDatabaseAsync();
        }
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
        SqliteConnection.ClearAllPools();
    }

    public static string DatabasePath(string root) => Path.Combine(Path.GetFullPath(root), "webticketing.db");
}
