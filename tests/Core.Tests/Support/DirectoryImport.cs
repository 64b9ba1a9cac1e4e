using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Tests.Support;

public static class DirectoryImport
{
    /// <summary>Imports a directory file through the importer the apps use, in its own scope.</summary>
    public static async Task<DirectoryImportResult> ImportDirectoryAsync(this CoreTestHost host, string json, bool allowPasswords = true)
    {
        await using var scope = host.Scope();
        return await scope.ServiceProvider.GetRequiredService<DirectoryImporter>()
            .ImportAsync(json, new DirectoryImportOptions { AllowPasswords = allowPasswords });
    }
}
