using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Data;

/// <summary>
/// The database. This type is the SQLite context and owns the migrations in <c>Data/Migrations</c>;
/// <see cref="PostgresWebTicketingDb"/> derives from it only to own a second migration set.
/// </summary>
public class WebTicketingDb : IdentityDbContext<UserAccount>, IDataProtectionKeyContext
{
    private readonly List<Action> whenCommitted = [];

    public WebTicketingDb(DbContextOptions<WebTicketingDb> options)
        : this((DbContextOptions)options)
    {
    }

    /// <summary>For a provider-specific context type: EF needs the options typed for that type.</summary>
    protected WebTicketingDb(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// This process's write gate. Contexts come from EF's pool, whose contexts take nothing but their options, so
    /// AddCore hands the gate over each time it rents one (<see cref="Rent"/>); a context made by hand (design time)
    /// writes ungated.
    /// </summary>
    private WriteGate writeGate = WriteGate.Ungated;

    /// <summary>Readies a context taken from the pool for a new scope: EF resets its own state, this resets ours.</summary>
    internal WebTicketingDb Rent(WriteGate writeGate)
    {
        this.writeGate = writeGate;
        whenCommitted.Clear();
        return this;
    }

    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Site> Sites => Set<Site>();
    public DbSet<Equipment> Equipment => Set<Equipment>();
    public DbSet<MaintenanceCode> MaintenanceCodes => Set<MaintenanceCode>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<SupportGroup> SupportGroups => Set<SupportGroup>();
    public DbSet<RoutingRule> RoutingRules => Set<RoutingRule>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboundSms> InboundSms => Set<InboundSms>();
    public DbSet<SmsOptOut> SmsOptOuts => Set<SmsOptOut>();
    public DbSet<Sequence> Sequences => Set<Sequence>();
    public DbSet<CallbackTask> CallbackTasks => Set<CallbackTask>();
    public DbSet<TransferredCall> TransferredCalls => Set<TransferredCall>();
    public DbSet<FailedLookup> FailedLookups => Set<FailedLookup>();
    public DbSet<CallSession> CallSessions => Set<CallSession>();
    public DbSet<CaseAttachment> CaseAttachments => Set<CaseAttachment>();
    public DbSet<LoginLinkMail> LoginLinkMails => Set<LoginLinkMail>();
    /// <summary>The keys behind sign-in cookies and antiforgery tokens, shared so any instance reads another's cookie.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Begins a write transaction that holds this process's write gate until it is disposed. Use it when a change
    /// spans several statements (a sequence number and the rows that use it); a single SaveChanges needs nothing.
    /// </summary>
    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        var entered = await writeGate.EnterAsync(cancellationToken);
        try
        {
            var transaction = await Database.BeginTransactionAsync(cancellationToken);
            return new WriteTransaction(this, transaction, entered);
        }
        catch
        {
            entered.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Inside a write transaction: waits until no other transaction that took <paramref name="lockKey"/> is open, on
    /// any instance, so a check-then-write (is the directory empty?) decides alone. SQLite's writers already take turns
    /// (a write transaction begins IMMEDIATE); PostgreSQL's do not, so a transaction-scoped advisory lock makes them.
    /// </summary>
    public async Task TakeTurnAsync(long lockKey, CancellationToken cancellationToken = default)
    {
        if (Database.IsNpgsql())
        {
            await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> once what is pending in this context is committed: after the next SaveChanges,
    /// or after the write transaction's commit when one is open; dropped when that transaction rolls back. For work
    /// that must not see uncommitted rows, such as enqueuing the job that sends an outbox message.
    /// </summary>
    public void WhenCommitted(Action action) => whenCommitted.Add(action);

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        int saved;
        using (DetectChangesOnce())
        {
            if (Database.CurrentTransaction is not null)
            {
                return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            using (await writeGate.EnterAsync(cancellationToken))
            {
                saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
        }
        RunWhenCommitted();
        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        int saved;
        using (DetectChangesOnce())
        {
            if (Database.CurrentTransaction is not null)
            {
                return base.SaveChanges(acceptAllChangesOnSuccess);
            }
            using (writeGate.Enter())
            {
                saved = base.SaveChanges(acceptAllChangesOnSuccess);
            }
        }
        RunWhenCommitted();
        return saved;
    }

    /// <summary>For a write made outside SaveChanges and outside a write transaction (<see cref="Telephony.CallSessionRows"/>).</summary>
    internal ValueTask<IDisposable> EnterWriteGateAsync(CancellationToken cancellationToken) => writeGate.EnterAsync(cancellationToken);

    internal void RunWhenCommitted()
    {
        var actions = whenCommitted.ToList();
        whenCommitted.Clear();
        actions.ForEach(action => action());
    }

    internal void DropWhenCommitted() => whenCommitted.Clear();

    /// <summary>
    /// A plain command on this context's connection, in its current transaction if one is open: for the few hot
    /// statements EF's pipelines cost more than the statement. The caller opens the connection.
    /// </summary>
    internal DbCommand CreateCommand(string sql)
    {
        var command = Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>Takes a number from a named counter inside the current write transaction.</summary>
    public async Task<long> NextSequenceValueAsync(string name, CancellationToken cancellationToken = default)
    {
        // One atomic statement on both SQLite (3.35+) and PostgreSQL: concurrent writers, even in other processes,
        // each get their own value because the row is locked until the transaction ends.
        // A plain command rather than EF's SqlQuery: a case opening takes its number inside the write gate, and EF's
        // query pipeline (expression, cache lookup, materializer) cost 0.16–0.35 ms there against 0.07–0.08 ms.
        await Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = CreateCommand("""UPDATE "Sequences" SET "Value" = "Value" + 1 WHERE "Name" = @name RETURNING "Value" """);
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@name";
            parameter.Value = name;
            command.Parameters.Add(parameter);
            if (await command.ExecuteScalarAsync(cancellationToken) is { } value)
            {
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }

        // A statement of its own rather than a save: the caller's pending changes (the case that takes this number)
        // are saved by the caller, once they have it.
        await Database.ExecuteSqlAsync($"""INSERT INTO "Sequences" ("Name", "Value") VALUES ({name}, 1)""", cancellationToken);
        return 1;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(WebTicketingDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite has no instant type: store UTC ticks so comparisons and ORDER BY work in SQL, whatever the offset.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
        }
        else
        {
            // timestamptz stores instants, but Npgsql refuses to write an offset other than zero; converting first
            // accepts what SQLite accepts (a due time computed in a region's local offset, say).
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcInstantConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcInstantConverter>();
        }
    }

    /// <summary>
    /// Finds the changes for a save in one scan of the tracked entities, and bumps the version of each changed case.
    /// Through the tracker, the bump needs no second scan, so SaveChanges is kept from making one until the returned
    /// scope ends: over an SLA sweep's batch (a hundred cases, their events and SMS) each scan cost a tenth of the sweep.
    /// </summary>
    private AutoDetectPaused DetectChangesOnce()
    {
        var paused = new AutoDetectPaused(ChangeTracker);
        if (paused.WasDetecting)
        {
            ChangeTracker.DetectChanges();
        }
        foreach (var entry in ChangeTracker.Entries<Case>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Property(c => c.Version).CurrentValue++;
            }
        }
        return paused;
    }
}

/// <summary>Keeps EF from scanning the tracked entities for changes by itself until disposed; for code that knows what changed.</summary>
internal readonly struct AutoDetectPaused : IDisposable
{
    private readonly ChangeTracker tracker;

    public AutoDetectPaused(ChangeTracker tracker)
    {
        this.tracker = tracker;
        WasDetecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
    }

    public bool WasDetecting { get; }

    public void Dispose() => tracker.AutoDetectChangesEnabled = WasDetecting;
}

/// <summary>A named counter, for numbers that must be unique across processes (case numbers).</summary>
public sealed class Sequence
{
    public required string Name { get; set; }
    public long Value { get; set; }
}

public sealed class WriteTransaction(WebTicketingDb db, IDbContextTransaction transaction, IDisposable gate) : IAsyncDisposable
{
    private bool committed;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await transaction.CommitAsync(cancellationToken);
        committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            gate.Dispose();
        }
        // After the gate is released: what runs now (enqueuing jobs) must not hold up the next writer.
        if (committed)
        {
            db.RunWhenCommitted();
        }
        else
        {
            db.DropWhenCommitted();
        }
    }
}
