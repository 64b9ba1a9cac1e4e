using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Cases;

/// <summary>
/// Indexes that mix a case's own columns with its SLA columns. The SLA state is an owned type, and EF's model cannot
/// declare an index across an owner and what it owns, so these are created after the migration (idempotently, on
/// every start, with the search index), in SQL both databases read the same way. Measured at 1M cases: see bench/README.md.
/// </summary>
public static class CaseIndexes
{
    private static readonly string[] Indexes =
    [
        // An agent's default list, "my groups, soonest due first": one keyset seek per group.
        """CREATE INDEX IF NOT EXISTS "IX_Cases_SupportGroupId_NextDueAt" ON "Cases" ("SupportGroupId", "Sla_NextDueAt", "Id")""",
        // The regional scope, soonest due first: a small region's page is a seek, not a walk past every other region's cases.
        """CREATE INDEX IF NOT EXISTS "IX_Cases_RegionId_NextDueAt" ON "Cases" ("RegionId", "Sla_NextDueAt", "Id")""",
        // The dashboard's open cases grouped by every dimension, read from the index alone (open statuses lead).
        """CREATE INDEX IF NOT EXISTS "IX_Cases_Dashboard" ON "Cases" ("Status", "Severity", "RegionId", "SiteId", "Sla_FirstTargetBreached", "Sla_ResolutionBreached")""",
        // The 30-day SLA compliance reads the last 30 days of openings only, from the index alone.
        """CREATE INDEX IF NOT EXISTS "IX_Cases_OpenedAt_FirstTarget" ON "Cases" ("OpenedAt", "Sla_FirstTargetDueAt", "Sla_FirstTargetMetAt", "Sla_FirstTargetBreached")""",
        // The dashboard's breach list: breached cases soonest due first, without walking every open case. Partial, so a
        // query's bare "WHERE Sla_FirstTargetBreached" (how EF writes a bool test) selects it.
        """CREATE INDEX IF NOT EXISTS "IX_Cases_NextDueAt_FirstTargetBreached" ON "Cases" ("Sla_NextDueAt") WHERE "Sla_FirstTargetBreached" """,
        """CREATE INDEX IF NOT EXISTS "IX_Cases_NextDueAt_ResolutionBreached" ON "Cases" ("Sla_NextDueAt") WHERE "Sla_ResolutionBreached" """,
    ];

    /// <summary>Creates these indexes and the search index when missing; safe on every start.</summary>
    public static async Task EnsureAsync(WebTicketingDb db, CancellationToken cancellationToken = default)
    {
        await using (var write = await db.BeginWriteAsync(cancellationToken))
        {
            if (CaseSearch.IsPostgres(db))
            {
                // Instances starting together would race on the same DDL: they take turns (released at commit).
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(727274)", cancellationToken);
            }
            foreach (var sql in Indexes)
            {
                await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            }
            await CaseSearch.CreateIndexAsync(db, cancellationToken);
            await write.CommitAsync(cancellationToken);
        }
    }
}
