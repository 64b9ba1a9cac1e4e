using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Data;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Data;

/// <summary>
/// The SQLite context runs on the model generated into <c>src/Core/Data/CompiledModel</c>, not on one built from the
/// entity configuration at start. A change to the entities or their configuration that is not regenerated there would
/// be silently ignored at run time, so this test runs the generator exactly as <c>dotnet ef dbcontext optimize</c> does
/// and compares.
/// </summary>
public sealed partial class CompiledModelTests
{
    private const string Regenerate =
        "dotnet ef dbcontext optimize --project src/Core --context WebTicketingDb --output-dir Data/CompiledModel --namespace WebTicketing.Core.Data.CompiledModel";

    [Fact]
    public void The_committed_compiled_model_is_what_the_entity_configuration_generates_today()
    {
        var committedFolder = Path.Combine(RepositoryFolder.Root, "src", "Core", "Data", "CompiledModel");
        var generatedFolder = System.IO.Directory.CreateTempSubdirectory("compiled-model-").FullName;
        try
        {
            Generate(generatedFolder);

            var committed = ReadAll(committedFolder);
            var generated = ReadAll(generatedFolder);
            Assert.True(committed.Keys.SequenceEqual(generated.Keys),
                $"The compiled model's files differ ({string.Join(", ", generated.Keys.Except(committed.Keys).Concat(committed.Keys.Except(generated.Keys)))}): run `{Regenerate}`.");
            foreach (var (file, text) in generated)
            {
                Assert.True(text == committed[file], $"{file} is out of date: run `{Regenerate}`.");
            }
        }
        finally
        {
            System.IO.Directory.Delete(generatedFolder, recursive: true);
        }
    }

    [Fact]
    public async Task The_apps_sqlite_context_runs_on_the_compiled_model_and_postgresql_on_its_own()
    {
        await using var host = await CoreTestHost.StartAsync();

        var model = await host.WithDbAsync(db => Task.FromResult(db.Model));

        Assert.Equal(!TestDatabase.UsesPostgres, model is Core.Data.CompiledModel.WebTicketingDbModel);
    }

#pragma warning disable EF1001 // The scaffolder's service builder is EF's internal API, the one the dotnet-ef tool uses.
    private static void Generate(string folder)
    {
        using var db = new DesignTimeDbFactory().CreateDbContext([]);
        var assembly = typeof(WebTicketingDb).Assembly;
        var services = new DesignTimeServicesBuilder(assembly, assembly, new OperationReporter(handler: null), []).Build(db);
        services.GetRequiredService<ICompiledModelScaffolder>().ScaffoldModel(
            db.GetService<IDesignTimeModel>().Model,
            folder,
            new CompiledModelCodeGenerationOptions
            {
                ContextType = typeof(WebTicketingDb),
                ModelNamespace = "WebTicketing.Core.Data.CompiledModel",
                Language = "C#",
                UseNullableReferenceTypes = true,
            });
    }
#pragma warning restore EF1001

    /// <summary>Each file's text, without the model id, which the generator draws at random each time.</summary>
    private static Dictionary<string, string> ReadAll(string folder) =>
        System.IO.Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal).ToDictionary(
            path => Path.GetFileName(path),
            path => ModelId().Replace(File.ReadAllText(path).ReplaceLineEndings("\n"), "modelId: new Guid()"),
            StringComparer.Ordinal);

    [GeneratedRegex("""modelId: new Guid\("[0-9a-f-]+"\)""")]
    private static partial Regex ModelId();
}
