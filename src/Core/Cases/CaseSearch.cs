using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Cases;

/// <summary>
/// Text search in a case's number and description through a substring index, so a search costs the same at a million
/// cases as at a hundred (a <c>LIKE '%x%'</c> scan took 4.6 s at 1M). SQLite: an FTS5 table with the trigram tokenizer
/// (case-insensitive substrings) over the Cases table, kept in step by triggers. PostgreSQL: pg_trgm GIN indexes, which
/// serve ILIKE (<c>EF.Functions.Like</c> is ILIKE there). Trigrams need three characters: shorter text searches only the
/// case number's prefix (the number index), or nothing.
/// The index is not in the EF migration (which is regenerated from the model, raw SQL added by hand would be lost):
/// <see cref="CaseIndexes.EnsureAsync"/> creates it idempotently right after the migration, and fills it when it is new.
/// </summary>
public static class CaseSearch
{
    public const int MinimumLength = 3;

    /// <summary>True when <paramref name="text"/> can be searched: three characters, or digits (a case-number prefix).</summary>
    public static bool IsSearchable(string text) => text.Length >= MinimumLength || NumberPrefix(text) is not null;

    /// <summary>The cases whose number or description contains <paramref name="text"/> (ignoring case).</summary>
    public static IQueryable<Case> Matching(this IQueryable<Case> cases, WebTicketingDb db, string text)
    {
        text = text.Trim();
        if (NumberPrefix(text) is { } digits)
        {
            if (digits.Length is >= MinimumLength and < CaseNumber.Length)
            {
                // "1234 56": a part of a number as it is printed; the digits may also be in a description.
                return cases.Containing(db, digits);
            }
            // ':' sorts right after '9': [digits, digits + ':') is every number starting with digits, one index range.
            var end = digits + ":";
            return digits.Length == CaseNumber.Length
                ? cases.Where(c => c.Number == digits)
                : cases.Where(c => string.Compare(c.Number, digits) >= 0 && string.Compare(c.Number, end) < 0);
        }
        return text.Length < MinimumLength ? cases.Where(c => false) : cases.Containing(db, text);
    }

    /// <summary>
    /// The same match as a filter checked row by row, for walking a list in its own order when matches are common: a
    /// word found in 13 % of the cases fills a page within a few hundred rows, while the index has to intersect the
    /// ~130,000 entries of each of its trigrams. Null when <see cref="Matching"/> is a plain index seek (a case number
    /// or its first digits) or matches nothing. On SQLite, LIKE folds the case of ASCII letters only.
    /// </summary>
    public static Expression<Func<Case, bool>>? RowFilter(string text)
    {
        text = text.Trim();
        if (NumberPrefix(text) is { } digits)
        {
            if (digits.Length is < MinimumLength or CaseNumber.Length)
            {
                return null;
            }
            text = digits;
        }
        else if (text.Length < MinimumLength)
        {
            return null;
        }
        var pattern = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        return c => EF.Functions.Like(c.Description, pattern, "\\") || EF.Functions.Like(c.Number, pattern, "\\");
    }

    private static IQueryable<Case> Containing(this IQueryable<Case> cases, WebTicketingDb db, string text)
    {
        if (IsPostgres(db))
        {
            // ILIKE, served by the pg_trgm indexes.
            return cases.Where(RowFilter(text)!);
        }
        // One FTS5 string: the whole text as a phrase, its own quotes doubled, so no user input is read as query syntax.
        var phrase = "\"" + text.Replace("\"", "\"\"") + "\"";
        var ids = db.Database.SqlQuery<int>($"""SELECT rowid AS "Value" FROM "CaseSearch" WHERE "CaseSearch" MATCH {phrase}""");
        return cases.Where(c => ids.Contains(c.Id));
    }

    /// <summary>Creates the search index when missing and fills it from the existing cases; safe to run on every start.</summary>
    public static async Task EnsureIndexAsync(WebTicketingDb db, CancellationToken cancellationToken = default)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await CreateIndexAsync(db, cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    /// <summary><see cref="EnsureIndexAsync"/> inside the caller's write transaction.</summary>
    internal static async Task CreateIndexAsync(WebTicketingDb db, CancellationToken cancellationToken)
    {
        if (IsPostgres(db))
        {
            foreach (var sql in PostgresIndex)
            {
                await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            }
            return;
        }
        var exists = await db.Database.SqlQuery<int>(
            $"""SELECT count(*) AS "Value" FROM sqlite_master WHERE type = 'table' AND name = 'CaseSearch'""").SingleAsync(cancellationToken) > 0;
        foreach (var sql in SqliteIndex)
        {
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        }
        if (!exists)
        {
            // An external-content table reads the cases themselves: 'rebuild' indexes every row already there.
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "CaseSearch" ("CaseSearch") VALUES ('rebuild')""", cancellationToken);
        }
    }

    /// <summary>
    /// Removes the SQLite index and its triggers, for a bulk load that would otherwise index row by row;
    /// <see cref="EnsureIndexAsync"/> afterwards rebuilds it in one pass.
    /// </summary>
    public static string[] DropSqliteIndex { get; } =
    [
        """DROP TRIGGER IF EXISTS "CaseSearch_Insert" """,
        """DROP TRIGGER IF EXISTS "CaseSearch_Delete" """,
        """DROP TRIGGER IF EXISTS "CaseSearch_Update" """,
        """DROP TABLE IF EXISTS "CaseSearch" """,
    ];

    /// <summary>Removes the search index on either database (what a database from before the index looks like).</summary>
    public static async Task DropIndexAsync(WebTicketingDb db, CancellationToken cancellationToken = default)
    {
        foreach (var sql in IsPostgres(db) ? DropPostgresIndex : DropSqliteIndex)
        {
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        }
    }

    private static readonly string[] DropPostgresIndex =
    [
        """DROP INDEX IF EXISTS "IX_Cases_Description_trgm" """,
        """DROP INDEX IF EXISTS "IX_Cases_Number_trgm" """,
    ];

    private static readonly string[] SqliteIndex =
    [
        """CREATE VIRTUAL TABLE IF NOT EXISTS "CaseSearch" USING fts5("Number", "Description", content='Cases', content_rowid='Id', tokenize='trigram')""",
        """
        CREATE TRIGGER IF NOT EXISTS "CaseSearch_Insert" AFTER INSERT ON "Cases" BEGIN
            INSERT INTO "CaseSearch" (rowid, "Number", "Description") VALUES (new."Id", new."Number", new."Description");
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS "CaseSearch_Delete" AFTER DELETE ON "Cases" BEGIN
            INSERT INTO "CaseSearch" ("CaseSearch", rowid, "Number", "Description") VALUES ('delete', old."Id", old."Number", old."Description");
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS "CaseSearch_Update" AFTER UPDATE OF "Number", "Description" ON "Cases" BEGIN
            INSERT INTO "CaseSearch" ("CaseSearch", rowid, "Number", "Description") VALUES ('delete', old."Id", old."Number", old."Description");
            INSERT INTO "CaseSearch" (rowid, "Number", "Description") VALUES (new."Id", new."Number", new."Description");
        END
        """,
    ];

    private static readonly string[] PostgresIndex =
    [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        """CREATE INDEX IF NOT EXISTS "IX_Cases_Description_trgm" ON "Cases" USING gin ("Description" gin_trgm_ops)""",
        """CREATE INDEX IF NOT EXISTS "IX_Cases_Number_trgm" ON "Cases" USING gin ("Number" gin_trgm_ops)""",
    ];

    internal static bool IsPostgres(WebTicketingDb db) => db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;

    private static string? NumberPrefix(string text)
    {
        var digits = text.Replace(" ", "").Replace("-", "");
        return digits.Length is > 0 and <= CaseNumber.Length && digits.All(char.IsAsciiDigit) ? digits : null;
    }
}
