using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Core.Directory;

/// <summary><c>dotnet run --project src/AgentConsole -- import FILE [--Key value …]</c>: the directory import from a shell.</summary>
public static class DirectoryCli
{
    public const int Imported = 0;
    public const int Rejected = 1;
    public const int Failed = 2;

    /// <summary>
    /// Builds the app's own host (same appsettings, environment variables and command-line keys, hence the same
    /// Storage:Root and connection string), migrates the database, and imports FILE. The demo directory is never
    /// seeded here: a real directory imported into a new database must not arrive mixed with demo data.
    /// </summary>
    public static async Task<int> RunAsync<TBuilder>(string[] args, Func<string[], TBuilder> createBuilder, Func<TBuilder, IHost> build,
        TextWriter? output = null, TextWriter? error = null)
        where TBuilder : IHostApplicationBuilder
    {
        output ??= Console.Out;
        error ??= Console.Error;
        if (args is not [var file, .. var configurationArgs] || file.StartsWith('-'))
        {
            await error.WriteLineAsync("usage: import FILE [--Storage:Root folder] [--ConnectionStrings:WebTicketing \"Data Source=…\"]");
            return Failed;
        }
        file = FromCallersDirectory(file);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{file}: {e.Message}");
            return Failed;
        }

        var builder = createBuilder(configurationArgs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:RunServer"] = "false",
            ["Directory:SeedDemo"] = "false",
        });
        builder.AddCore();
        using var host = build(builder);
        await host.Services.InitializeDatabaseAsync();

        await using var scope = host.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<DirectoryImporter>();
        var database = scope.ServiceProvider.GetRequiredService<WebTicketingDb>().Database.GetDbConnection().DataSource;
        var time = host.Services.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        // Passwords in a file are a demo convenience; a production directory gives logins set-password links instead.
        var result = await importer.ImportAsync(json, new DirectoryImportOptions { AllowPasswords = builder.Environment.IsDevelopment() });
        if (!result.Succeeded)
        {
            foreach (var problem in result.Problems)
                await error.WriteLineAsync(problem.ToString());
            await error.WriteLineAsync($"{file}: {result.Problems.Count} problem(s); nothing was written to {database}.");
            return Rejected;
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {file} into {database} in {time.GetElapsedTime(started).TotalSeconds:0.0} s: {result.Changes} change(s)."));
        foreach (var (kind, count) in result.Counts.OrderBy(c => c.Key))
            await output.WriteLineAsync($"  {kind,-16} {count.Added,5} added {count.Updated,5} updated {count.Unchanged,5} unchanged");
        return Imported;
    }

    /// <summary>
    /// `dotnet run --project src/AgentConsole` starts the app in the project's folder, not the shell's; the shell's
    /// folder survives in PWD, and that is where the person typing a relative FILE means it.
    /// </summary>
    private static string FromCallersDirectory(string file) =>
        Path.IsPathRooted(file) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } shell || !Path.IsPathRooted(shell)
            ? Path.GetFullPath(file)
            : Path.GetFullPath(file, shell);
}
