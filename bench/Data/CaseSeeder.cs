using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.Bench.Data;

public sealed record SeedSettings(int Count, double OpenFraction, DateTimeOffset Now, int DueNow = 0, bool FutureOnly = false);

/// <summary>
/// Writes many cases straight into SQLite with prepared INSERTs in big transactions. The column list comes from the EF
/// model (table, owned SLA columns, value converters), so a column added to Case gets a valid default instead of
/// breaking the seeder: known properties get realistic values, unknown ones NULL or their type's default.
/// Indexes are dropped during the load and rebuilt after it (one sort per index instead of a B-tree insert per row);
/// so is the case search index (<see cref="CaseSearch"/>), with its triggers.
/// </summary>
public static class CaseSeeder
{
    private const int BatchSize = 50_000;
    private static readonly string[] Words =
    [
        "la impresora", "el router", "el servidor", "la cabina de discos", "el switch", "no arranca", "se reinicia", "va lento",
        "da error", "sin conexión", "printer", "jams", "no network", "disk failure", "after the update", "desde ayer",
        "en la planta 2", "urgente", "la licencia", "the backup", "fails every night", "pantalla azul", "ventilador ruidoso",
    ];

    public static async Task<(int First, int Last, TimeSpan Elapsed)> SeedAsync(WebTicketingDb db, SeedSettings settings, Action<string> progress)
    {
        var started = Stopwatch.GetTimestamp();
        var equipment = await db.Equipment.AsNoTracking()
            .Select(e => new { e.Id, e.SiteId, e.Site.OrganizationId, e.Site.RegionId, e.Product })
            .ToListAsync();
        var rules = await db.RoutingRules.AsNoTracking().ToListAsync();
        var defaultGroup = await db.SupportGroups.Where(g => g.IsDefault).Select(g => g.Id).FirstAsync();
        var groupOf = equipment.Select(e => e.Product).Distinct()
            .ToDictionary(p => p, p => rules.FirstOrDefault(r => r.Product == p)?.SupportGroupId ?? defaultGroup);
        var agents = await db.Agents.AsNoTracking().Select(a => a.Id).ToListAsync();
        var contacts = (await db.Contacts.AsNoTracking().Select(c => new { c.Id, c.OrganizationId }).ToListAsync())
            .GroupBy(c => c.OrganizationId).ToDictionary(g => g.Key, g => g.First().Id);
        var firstSequence = await db.Sequences.Where(s => s.Name == "case").Select(s => s.Value).FirstOrDefaultAsync() + 1;
        var firstId = (await db.Cases.MaxAsync(c => (int?)c.Id) ?? 0) + 1;

        var caseTable = Table.For(db.Model.FindEntityType(typeof(Case))!);
        var eventTable = Table.For(db.Model.FindEntityType(typeof(CaseEvent))!, skipGeneratedKey: true);

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await ExecuteAsync(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
            var indexes = await DropIndexesAsync(connection, caseTable.Name, eventTable.Name);
            // The search index's triggers would index row by row; it is rebuilt in one pass after the load.
            foreach (var sql in CaseSearch.DropSqliteIndex)
            {
                await ExecuteAsync(connection, sql);
            }

            var random = new Random(42);
            var span = TimeSpan.FromDays(3 * 365);
            SqliteTransaction? transaction = null;
            using var insertCase = caseTable.Prepare(connection);
            using var insertEvent = eventTable.Prepare(connection);
            for (var i = 0; i < settings.Count; i++)
            {
                if (i % BatchSize == 0)
                {
                    if (transaction is not null)
                    {
                        await transaction.CommitAsync();
                        await transaction.DisposeAsync();
                        progress($"{i:N0} cases");
                    }
                    transaction = connection.BeginTransaction();
                    insertCase.Transaction = transaction;
                    insertEvent.Transaction = transaction;
                }
                var e = equipment[random.Next(equipment.Count)];
                var opened = settings.Now - span * (1 - (double)i / settings.Count) - TimeSpan.FromMinutes(random.Next(60));
                var open = random.NextDouble() < settings.OpenFraction;
                // The SLA measurement wants only its chosen cases due: there, every open case is being worked (first target met).
                var status = open ? settings.FutureOnly ? CaseStatus.InProgress : (CaseStatus)random.Next(0, 3)
                    : random.Next(4) == 0 ? CaseStatus.Resolved : CaseStatus.Closed;
                var severity = (Severity)(1 + random.Next(4));
                var urgent = severity <= Severity.Major;
                var firstDue = opened + (urgent ? TimeSpan.FromHours(2) : TimeSpan.FromDays(1));
                DateTimeOffset? nextDue = null;
                if (open)
                {
                    nextDue = i < settings.DueNow
                        ? settings.Now - TimeSpan.FromSeconds(1 + random.Next(3600))
                        : settings.FutureOnly ? settings.Now + TimeSpan.FromMinutes(10 + random.Next(60 * 24 * 10))
                        : settings.Now + TimeSpan.FromMinutes(random.Next(-60 * 24, 60 * 24 * 10));
                }
                var id = firstId + i;
                var values = new Dictionary<string, object?>
                {
                    ["Id"] = id,
                    ["Number"] = CaseNumber.FromSequence(firstSequence + i).Value,
                    ["OrganizationId"] = e.OrganizationId,
                    ["SiteId"] = e.SiteId,
                    ["RegionId"] = e.RegionId,
                    ["EquipmentId"] = e.Id,
                    ["ContactId"] = contacts.TryGetValue(e.OrganizationId, out var contact) && random.Next(3) > 0 ? contact : null,
                    ["Channel"] = (Channel)random.Next(3),
                    ["Severity"] = severity,
                    ["Status"] = status,
                    ["Tier"] = 1 + random.Next(3),
                    ["SupportGroupId"] = groupOf[e.Product],
                    ["AssigneeId"] = status == CaseStatus.New ? null : agents[random.Next(agents.Count)],
                    ["Description"] = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} (#{i})",
                    ["Language"] = random.Next(4) == 0 ? Language.En : Language.Es,
                    ["OpenedAt"] = opened,
                    ["UpdatedAt"] = opened + TimeSpan.FromHours(random.Next(48)),
                    ["WorkStartedAt"] = status == CaseStatus.New ? null : opened + TimeSpan.FromMinutes(random.Next(240)),
                    ["FirstRespondedAt"] = status == CaseStatus.New ? null : opened + TimeSpan.FromMinutes(random.Next(240)),
                    ["ResolvedAt"] = open ? null : opened + TimeSpan.FromDays(random.Next(1, 9)),
                    ["ClosedAt"] = status == CaseStatus.Closed ? opened + TimeSpan.FromDays(random.Next(9, 15)) : null,
                    ["Version"] = 1,
                    ["Sla.FirstTarget"] = urgent ? SlaTargetKind.StartWork : SlaTargetKind.FirstResponse,
                    ["Sla.FirstTargetDueAt"] = firstDue,
                    ["Sla.FirstTargetWarnAt"] = firstDue - TimeSpan.FromMinutes(30),
                    ["Sla.FirstTargetMetAt"] = status == CaseStatus.New ? null : opened + TimeSpan.FromMinutes(random.Next(240)),
                    ["Sla.NextDueAt"] = nextDue,
                    ["Sla.ResolutionDueAt"] = nextDue,
                    ["Sla.ResolutionWarnAt"] = nextDue - TimeSpan.FromMinutes(5),
                };
                // The sweep's column, as SlaClock.Settle computes it from the state above.
                var state = new SlaState
                {
                    FirstTargetDueAt = firstDue,
                    FirstTargetWarnAt = firstDue - TimeSpan.FromMinutes(30),
                    FirstTargetMetAt = (DateTimeOffset?)values["Sla.FirstTargetMetAt"],
                    ResolutionDueAt = nextDue,
                    ResolutionWarnAt = nextDue - TimeSpan.FromMinutes(5),
                };
                values["Sla.NextCheckAt"] = SlaClock.Checkpoints(state).Select(p => (DateTimeOffset?)p.At).Min();
                caseTable.Bind(insertCase, values);
                insertCase.ExecuteNonQuery();
                // Every case has its opening on the timeline; one in ten has a longer history for the detail page.
                var events = i % 10 == 0 ? 4 : 1;
                for (var k = 0; k < events; k++)
                {
                    eventTable.Bind(insertEvent, new Dictionary<string, object?>
                    {
                        ["CaseId"] = id,
                        ["At"] = opened + TimeSpan.FromHours(k * 3),
                        ["Kind"] = k == 0 ? CaseEventKind.Opened : CaseEventKind.NotePublic,
                        ["Actor"] = k == 0 ? "phone" : "Agent 01",
                        ["Text"] = k == 0 ? "Phone, severity " + (int)severity : "Revisado en remoto; seguimos.",
                        ["IsPublic"] = true,
                    });
                    insertEvent.ExecuteNonQuery();
                }
            }
            if (transaction is not null)
            {
                await transaction.CommitAsync();
                await transaction.DisposeAsync();
            }
            progress($"{settings.Count:N0} cases inserted; rebuilding {indexes.Count} indexes");
            foreach (var sql in indexes)
            {
                await ExecuteAsync(connection, sql);
            }
            progress("rebuilding the search index");
            await CaseSearch.EnsureIndexAsync(db);
            using (var sequence = connection.CreateCommand())
            {
                sequence.CommandText = """UPDATE "Sequences" SET "Value" = $value WHERE "Name" = 'case'""";
                sequence.Parameters.AddWithValue("$value", firstSequence + settings.Count - 1);
                if (await sequence.ExecuteNonQueryAsync() == 0)
                {
                    sequence.CommandText = """INSERT INTO "Sequences" ("Name", "Value") VALUES ('case', $value)""";
                    await sequence.ExecuteNonQueryAsync();
                }
            }
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; ANALYZE;");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return (firstId, firstId + settings.Count - 1, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<List<string>> DropIndexesAsync(SqliteConnection connection, params string[] tables)
    {
        var indexes = new List<(string Name, string Sql)>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(",", tables.Select(t => $"'{t}'"))})";
            using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\"");
        }
        return indexes.Select(i => i.Sql).ToList();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>An entity's table as EF maps it: one column per scalar property, owned types' columns included.</summary>
    private sealed class Table
    {
        private readonly List<(string Column, string Path, IProperty Property)> columns;

        private Table(string name, List<(string, string, IProperty)> columns)
        {
            Name = name;
            this.columns = columns;
        }

        public string Name { get; }

        public static Table For(IEntityType entity, bool skipGeneratedKey = false)
        {
            var name = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
            var columns = new List<(string, string, IProperty)>();
            var seen = new HashSet<string>();
            void Collect(IEntityType type, string prefix)
            {
                foreach (var property in type.GetProperties())
                {
                    if (property.GetColumnName(store) is not { } column || !seen.Add(column)
                        || (skipGeneratedKey && property.IsPrimaryKey() && property.ValueGenerated != ValueGenerated.Never))
                    {
                        continue;
                    }
                    columns.Add((column, prefix + property.Name, property));
                }
                foreach (var navigation in type.GetNavigations().Where(n => !n.IsCollection && n.TargetEntityType.IsOwned() && n.IsOnDependent == false))
                {
                    Collect(navigation.TargetEntityType, prefix + navigation.Name + ".");
                }
            }
            Collect(entity, "");
            return new Table(name, columns);
        }

        public SqliteCommand Prepare(SqliteConnection connection)
        {
            var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO \"{Name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) " +
                $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
            for (var i = 0; i < columns.Count; i++)
            {
                command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
            }
            return command;
        }

        public void Bind(SqliteCommand command, IReadOnlyDictionary<string, object?> values)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var (_, path, property) = columns[i];
                var value = values.TryGetValue(path, out var known) ? known : DefaultFor(property);
                command.Parameters[i].Value = ToProvider(property, value) ?? DBNull.Value;
            }
        }

        private static object? DefaultFor(IProperty property) =>
            property.IsNullable ? null
            : property.ClrType == typeof(string) ? ""
            : Activator.CreateInstance(property.ClrType);

        private static object? ToProvider(IProperty property, object? value)
        {
            if (value is null)
            {
                return null;
            }
            if ((property.GetValueConverter() ?? property.GetTypeMapping().Converter) is { } converter)
            {
                return converter.ConvertToProvider(value);
            }
            return value is Enum ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : value;
        }
    }
}
