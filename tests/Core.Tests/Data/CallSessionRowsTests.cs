using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Data;

/// <summary>
/// The IVR reads and writes call sessions with plain commands instead of EF; what it stores must be what EF stores,
/// with EF's concurrency rules. Runs on SQLite and, in CI's second pass, on PostgreSQL.
/// </summary>
public sealed class CallSessionRowsTests : IAsyncLifetime
{
    private CoreTestHost host = null!;

    public async Task InitializeAsync() => host = await CoreTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private CallSessionRows Rows => host.Services.GetRequiredService<CallSessionRows>();

    /// <summary>Every property set to something other than its default, so a column left out or converted wrongly shows.</summary>
    private static CallSession Filled(string callSid) => new()
    {
        CallSid = callSid,
        Caller = "+34600000001",
        Language = Language.En,
        Step = "Severity",
        Attempts = 2,
        CodeFailures = 1,
        MaintenanceCode = "70000001",
        EquipmentId = 11,
        OrganizationId = 12,
        ContactId = 13,
        CallbackPhone = "+34600000002",
        Severity = Severity.Major,
        Description = "El router se reinicia, ñandú ✓",
        RecordingSid = "RE123",
        RecordingPath = "recordings/RE123.wav",
        CaseId = 14,
        CaseOpened = true,
        PendingCaseId = 15,
        DialStatus = "no-answer",
        LastIdempotencyToken = "token-1",
        LastResponse = "<Response><Say>Hola</Say></Response>",
        // In Madrid's offset: both databases keep the instant, not the offset.
        StartedAt = new DateTimeOffset(2026, 3, 2, 10, 0, 0, 123, TimeSpan.FromHours(1)),
        UpdatedAt = new DateTimeOffset(2026, 3, 2, 10, 5, 0, TimeSpan.FromHours(1)),
        EndedAt = new DateTimeOffset(2026, 3, 2, 10, 6, 0, TimeSpan.Zero),
        EndStatus = "completed",
        Version = 3,
    };

    [Fact]
    public async Task The_test_session_sets_every_mapped_property()
    {
        var filled = Filled("CA1");
        var defaults = new CallSession { CallSid = "", Step = "" };

        var unset = await host.WithDbAsync(db => Task.FromResult(db.Model.FindEntityType(typeof(CallSession))!.GetProperties()
            .Select(p => p.PropertyInfo!)
            .Where(p => Equals(p.GetValue(filled), p.GetValue(defaults)))
            .Select(p => p.Name)
            .ToList()));

        Assert.Empty(unset);
    }

    [Fact]
    public async Task A_session_stored_by_the_rows_reads_back_the_same_through_EF_and_through_the_rows()
    {
        var written = Filled("CA1");

        await host.WithDbAsync(db => Rows.InsertAsync(db, written, CancellationToken.None));
        var throughEf = await host.WithDbAsync(db => db.CallSessions.AsNoTracking().SingleAsync(s => s.CallSid == "CA1"));
        var throughRows = await host.WithDbAsync(db => Rows.FindAsync(db, "CA1", CancellationToken.None));

        AssertSame(written, throughEf);
        AssertSame(written, throughRows!);
    }

    [Fact]
    public async Task A_session_stored_by_EF_reads_back_the_same_through_the_rows_nulls_included()
    {
        var sparse = new CallSession { CallSid = "CA2", Step = "Incoming", StartedAt = CoreTestHost.Start, UpdatedAt = CoreTestHost.Start };
        var filled = Filled("CA3");
        await host.WithDbAsync(db =>
        {
            db.CallSessions.AddRange(sparse, filled);
            return db.SaveChangesAsync();
        });

        var sparseRead = await host.WithDbAsync(db => Rows.FindAsync(db, "CA2", CancellationToken.None));
        var filledRead = await host.WithDbAsync(db => Rows.FindAsync(db, "CA3", CancellationToken.None));
        var missing = await host.WithDbAsync(db => Rows.FindAsync(db, "CA404", CancellationToken.None));

        AssertSame(sparse, sparseRead!);
        AssertSame(filled, filledRead!);
        Assert.Null(missing);
    }

    [Fact]
    public async Task An_update_moves_the_version_on_and_one_over_a_version_another_webhook_stored_changes_nothing()
    {
        await host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA1"), CancellationToken.None));
        var first = (await host.WithDbAsync(db => Rows.FindAsync(db, "CA1", CancellationToken.None)))!;
        var second = (await host.WithDbAsync(db => Rows.FindAsync(db, "CA1", CancellationToken.None)))!;

        first.Step = "Description";
        // When the call started is not the session's to change.
        first.StartedAt = first.StartedAt.AddHours(1);
        await host.WithDbAsync(db => Rows.UpdateAsync(db, first, CancellationToken.None));
        second.Step = "Menu";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => host.WithDbAsync(db => Rows.UpdateAsync(db, second, CancellationToken.None)));

        var stored = await host.WithDbAsync(db => db.CallSessions.AsNoTracking().SingleAsync(s => s.CallSid == "CA1"));
        Assert.Equal("Description", stored.Step);
        Assert.Equal(Filled("CA1").StartedAt, stored.StartedAt);
        Assert.Equal(4, stored.Version);
        Assert.Equal(4, first.Version);
        Assert.Equal(3, second.Version);
    }

    [Fact]
    public async Task Inserting_a_session_another_webhook_inserted_first_throws_DbUpdateException_and_keeps_the_first()
    {
        await host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA1"), CancellationToken.None));
        var late = Filled("CA1");
        late.Step = "Menu";

        await Assert.ThrowsAsync<DbUpdateException>(() => host.WithDbAsync(db => Rows.InsertAsync(db, late, CancellationToken.None)));

        var stored = await host.WithDbAsync(db => db.CallSessions.AsNoTracking().SingleAsync(s => s.CallSid == "CA1"));
        Assert.Equal("Severity", stored.Step);
        // The store still writes after the failure.
        stored.Step = "Opened";
        await host.WithDbAsync(db => Rows.UpdateAsync(db, stored, CancellationToken.None));
        Assert.Equal("Opened", (await host.WithDbAsync(db => Rows.FindAsync(db, "CA1", CancellationToken.None)))!.Step);
    }

    [Fact]
    public async Task What_waits_for_the_commit_runs_after_a_session_write()
    {
        var ran = false;

        await host.WithDbAsync(db =>
        {
            db.WhenCommitted(() => ran = true);
            return Rows.InsertAsync(db, Filled("CA1"), CancellationToken.None);
        });

        Assert.True(ran);
    }

    [Fact]
    public async Task Webhooks_of_a_hundred_calls_at_once_each_read_and_store_their_own_session()
    {
        var calls = Enumerable.Range(1, 100).Select(i => $"CA{i}").ToList();

        await Task.WhenAll(calls.Select(async callSid =>
        {
            var session = Filled(callSid);
            session.Version = 0;
            await host.WithDbAsync(db => Rows.InsertAsync(db, session, CancellationToken.None));
            var read = (await host.WithDbAsync(db => Rows.FindAsync(db, callSid, CancellationToken.None)))!;
            read.Description = $"said by {callSid}";
            await host.WithDbAsync(db => Rows.UpdateAsync(db, read, CancellationToken.None));
        }));

        var stored = await host.WithDbAsync(db => db.CallSessions.AsNoTracking().ToDictionaryAsync(s => s.CallSid));
        Assert.Equal(calls.Order(), stored.Keys.Order());
        Assert.All(calls, callSid =>
        {
            Assert.Equal($"said by {callSid}", stored[callSid].Description);
            Assert.Equal(1, stored[callSid].Version);
        });
    }

    /// <summary>
    /// On SQLite, writes that queue while the write gate is taken go to the database together, in one transaction;
    /// each call's outcome must still be its own.
    /// </summary>
    [Fact]
    public async Task Writes_queued_together_each_get_their_own_outcome()
    {
        await host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA1"), CancellationToken.None));
        await host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA2"), CancellationToken.None));
        var stale = (await host.WithDbAsync(db => Rows.FindAsync(db, "CA2", CancellationToken.None)))!;
        var current = (await host.WithDbAsync(db => Rows.FindAsync(db, "CA2", CancellationToken.None)))!;
        current.Step = "Description";
        await host.WithDbAsync(db => Rows.UpdateAsync(db, current, CancellationToken.None));
        var duplicate = Filled("CA1");
        duplicate.Step = "Menu";
        stale.Step = "Menu";

        Task duplicateInsert, staleUpdate, newInsert;
        Task<CallSession?> read;
        using (await host.Services.GetRequiredService<WriteGate>().EnterAsync(CancellationToken.None))
        {
            duplicateInsert = host.WithDbAsync(db => Rows.InsertAsync(db, duplicate, CancellationToken.None));
            read = host.WithDbAsync(db => Rows.FindAsync(db, "CA1", CancellationToken.None));
            staleUpdate = host.WithDbAsync(db => Rows.UpdateAsync(db, stale, CancellationToken.None));
            newInsert = host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA3"), CancellationToken.None));
        }

        await Assert.ThrowsAsync<DbUpdateException>(() => duplicateInsert);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => staleUpdate);
        await newInsert;
        Assert.Equal("Severity", (await read)!.Step);
        var stored = await host.WithDbAsync(db => db.CallSessions.AsNoTracking().ToDictionaryAsync(s => s.CallSid, s => s.Step));
        Assert.Equal(new Dictionary<string, string> { ["CA1"] = "Severity", ["CA2"] = "Description", ["CA3"] = "Severity" }, stored);
    }

    /// <summary>
    /// A failure other than a duplicate ends SQLite's shared transaction; the other calls' writes must still be stored,
    /// once each, and the failing one must not be.
    /// </summary>
    [Fact]
    public async Task A_write_the_database_refuses_among_writes_queued_together_fails_alone_and_the_others_are_stored_once()
    {
        var refused = Filled("CA2");
        refused.Step = null!;

        Task first, broken, third;
        using (await host.Services.GetRequiredService<WriteGate>().EnterAsync(CancellationToken.None))
        {
            first = host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA1"), CancellationToken.None));
            broken = host.WithDbAsync(db => Rows.InsertAsync(db, refused, CancellationToken.None));
            third = host.WithDbAsync(db => Rows.InsertAsync(db, Filled("CA3"), CancellationToken.None));
        }

        await Assert.ThrowsAnyAsync<DbException>(() => broken);
        await Task.WhenAll(first, third);
        var stored = await host.WithDbAsync(db => db.CallSessions.AsNoTracking().Select(s => s.CallSid).OrderBy(s => s).ToListAsync());
        Assert.Equal(["CA1", "CA3"], stored);
        // The connection is still usable after the rollback.
        var later = Filled("CA4");
        await host.WithDbAsync(db => Rows.InsertAsync(db, later, CancellationToken.None));
        Assert.NotNull(await host.WithDbAsync(db => Rows.FindAsync(db, "CA4", CancellationToken.None)));
    }

    private static void AssertSame(CallSession expected, CallSession actual)
    {
        foreach (var property in typeof(CallSession).GetProperties())
        {
            var want = property.GetValue(expected);
            var got = property.GetValue(actual);
            if (want is DateTimeOffset instant)
            {
                Assert.Equal(instant.UtcDateTime, ((DateTimeOffset)got!).UtcDateTime);
            }
            else
            {
                Assert.True(Equals(want, got), $"{property.Name}: expected {want}, got {got}");
            }
        }
    }
}
