using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebTicketing.Core.Directory;

/// <summary><c>Directory:SeedDemo</c>: load the demo directory when the database starts empty.</summary>
public sealed class DirectoryOptions
{
    public bool SeedDemo { get; set; } = true;
}

/// <summary>The demo directory shipped inside Core (demo-directory.json; README "Demo" lists its codes and logins).</summary>
public static class DemoDirectory
{
    public const string ResourceName = "demo-directory.json";

    public static string Read()
    {
        using var stream = typeof(DemoDirectory).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from {typeof(DemoDirectory).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Loads the demo into a directory without organizations. Both apps may start at once on a new database: the
    /// emptiness check runs inside the import's write transaction, so only the first one writes.
    /// </summary>
    internal static async Task SeedIfEmptyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var importer = services.GetRequiredService<DirectoryImporter>();
        var result = await importer.ImportAsync(Read(),
            new DirectoryImportOptions { AllowPasswords = true, OnlyIntoEmptyDirectory = true }, cancellationToken);
        if (!result.Succeeded)
            throw new InvalidOperationException($"The shipped demo directory is invalid: {string.Join("; ", result.Problems)}");
        if (!result.Skipped)
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoDirectory).FullName!)
                .LogInformation("Loaded the demo directory into the empty database ({Changes} entries); set Directory:SeedDemo=false to start empty", result.Changes);
    }
}
