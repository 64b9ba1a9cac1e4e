using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Core.Directory;

/// <summary>
/// Upserts a directory file (format in README, "Directory file"). The whole file is checked first and rejected with
/// every problem listed; a valid file is written in one write transaction, matched to existing rows by natural keys
/// (codes, serial numbers, maintenance code digits, emails), so importing the same file twice changes nothing.
/// Rows the file no longer lists are left alone: cases refer to them.
/// </summary>
public sealed class DirectoryImporter(WebTicketingDb db, IPasswordHasher<UserAccount> passwordHasher, ILookupNormalizer normalizer)
{
    /// <summary>Imports take turns across instances: the two apps both seed the demo on a new database's first start.</summary>
    private const long ImportLock = 0x4469726563746F72;

    public async Task<DirectoryImportResult> ImportAsync(string json, DirectoryImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DirectoryImportOptions();
        using var activity = Telemetry.Source.StartActivity("directory import");
        var problems = new List<DirectoryProblem>();
        var file = DirectoryFile.Read(json, problems);
        if (file is not null)
            DirectoryRules.Check(file, options.AllowPasswords, problems);
        if (file is null || problems.Count > 0)
        {
            activity?.SetTag("webticketing.directory.problems", problems.Count);
            return DirectoryImportResult.Rejected(problems);
        }

        // The check outside spares a restarting app the write lock; the one inside decides.
        if (options.OnlyIntoEmptyDirectory && await db.Organizations.AnyAsync(cancellationToken))
            return DirectoryImportResult.NotEmpty;
        // Existing rows are read inside the write transaction: an import running at the same time in the other app
        // (both seed the demo on first start) is either wholly before or wholly after this one.
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.TakeTurnAsync(ImportLock, cancellationToken);
        if (options.OnlyIntoEmptyDirectory && await db.Organizations.AnyAsync(cancellationToken))
            return DirectoryImportResult.NotEmpty;
        var upsert = await DirectoryUpsert.LoadAsync(db, passwordHasher, normalizer, cancellationToken);
        upsert.Apply(file);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var result = DirectoryImportResult.Imported(upsert.Counts);
        activity?.SetTag("webticketing.directory.changes", result.Changes);
        return result;
    }
}

public sealed record DirectoryImportOptions
{
    /// <summary>Accept <c>"login": {"password": …}</c>: only for demo directories, never for real people.</summary>
    public bool AllowPasswords { get; init; }

    /// <summary>Write nothing when the directory already has an organization (first-start seeding).</summary>
    public bool OnlyIntoEmptyDirectory { get; init; }
}

public enum DirectoryKind
{
    Region,
    Organization,
    Site,
    Equipment,
    MaintenanceCode,
    Contact,
    SupportGroup,
    Agent,
    Login,
}

public readonly record struct ChangeCount(int Added, int Updated, int Unchanged)
{
    public int Changed => Added + Updated;
}

public sealed class DirectoryImportResult
{
    public static readonly DirectoryImportResult NotEmpty = new([], new Dictionary<DirectoryKind, ChangeCount>(), skipped: true);

    private DirectoryImportResult(IReadOnlyList<DirectoryProblem> problems, IReadOnlyDictionary<DirectoryKind, ChangeCount> counts, bool skipped)
    {
        Problems = problems;
        Counts = counts;
        Skipped = skipped;
    }

    /// <summary>Every problem in the file, in file order; when there is any, nothing was written.</summary>
    public IReadOnlyList<DirectoryProblem> Problems { get; }
    public IReadOnlyDictionary<DirectoryKind, ChangeCount> Counts { get; }
    /// <summary>Nothing was written because the directory was not empty (<see cref="DirectoryImportOptions.OnlyIntoEmptyDirectory"/>).</summary>
    public bool Skipped { get; }
    public bool Succeeded => Problems.Count == 0;
    public int Changes => Counts.Values.Sum(c => c.Changed);

    public ChangeCount this[DirectoryKind kind] => Counts.GetValueOrDefault(kind);

    internal static DirectoryImportResult Rejected(List<DirectoryProblem> problems) =>
        new(problems, new Dictionary<DirectoryKind, ChangeCount>(), skipped: false);

    internal static DirectoryImportResult Imported(IReadOnlyDictionary<DirectoryKind, ChangeCount> counts) =>
        new([], counts, skipped: false);
}
