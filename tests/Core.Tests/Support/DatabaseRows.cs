using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace WebTicketing.Core.Tests.Support;

/// <summary>Every row of every table as text, to show that an operation wrote nothing at all.</summary>
public static class DatabaseRows
{
    public static Task<string> DumpAsync(CoreTestHost host) => host.WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            // Ordinary tables only: the case search index (a virtual table and its shadow tables) is derived from Cases.
            list.CommandText = db.Database.IsSqlite()
                ? "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            dump.AppendLine($"# {table}");
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Cell(reader, i))));
            // Neither engine promises an order without ORDER BY, and no column is common to every table.
            rows.Sort(StringComparer.Ordinal);
            rows.ForEach(row => dump.AppendLine(row));
        }
        return dump.ToString();
    });

    private static string Cell(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? "NULL"
        : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes)
        : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
