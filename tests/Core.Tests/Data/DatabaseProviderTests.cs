using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Telephony;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Data;

/// <summary>What must behave the same on SQLite and PostgreSQL; CI runs these once on each.</summary>
public sealed class DatabaseProviderTests : IAsyncLifetime
{
    private CoreTestHost host = null!;

    public async Task InitializeAsync() => host = await CoreTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Tests_run_on_the_database_the_environment_names()
    {
        var provider = await host.WithDbAsync(db => Task.FromResult(db.Database.ProviderName));

        Assert.Equal(TestDatabase.UsesPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", provider);
    }

    [Fact]
    public async Task Like_search_ignores_letter_case_on_either_database()
    {
        await host.WithDbAsync(async db =>
        {
            db.FailedLookups.AddRange(
                new FailedLookup { Caller = "+34600000001", At = CoreTestHost.Start, What = "Router reboots every hour" },
                new FailedLookup { Caller = "+34600000002", At = CoreTestHost.Start, What = "Printer jam_2" });
            return await db.SaveChangesAsync();
        });

        var found = await host.WithDbAsync(db => db.FailedLookups
            .Where(l => EF.Functions.Like(l.What, "%ROUTER reboots%"))
            .Select(l => l.Caller).ToListAsync());
        var escaped = await host.WithDbAsync(db => db.FailedLookups
            .Where(l => EF.Functions.Like(l.What, @"%JAM\_2", @"\"))
            .Select(l => l.Caller).ToListAsync());

        Assert.Equal(["+34600000001"], found);
        Assert.Equal(["+34600000002"], escaped);
    }

    [Fact]
    public async Task Instants_written_in_any_offset_come_back_as_the_same_UTC_instant_and_compare_in_SQL()
    {
        var madridMorning = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));
        await host.WithDbAsync(async db =>
        {
            db.FailedLookups.Add(new FailedLookup { Caller = "+34600000001", At = madridMorning, What = "123456" });
            return await db.SaveChangesAsync();
        });

        var stored = await host.WithDbAsync(db => db.FailedLookups.SingleAsync());
        var laterInMexico = new DateTimeOffset(2026, 3, 2, 3, 30, 0, TimeSpan.FromHours(-6)); // 09:30 UTC
        var countedSince = await host.WithDbAsync(db => db.FailedLookups.CountAsync(l => l.At >= laterInMexico));
        var countedBefore = await host.WithDbAsync(db => db.FailedLookups.CountAsync(l => l.At < laterInMexico));

        Assert.Equal(madridMorning, stored.At);
        Assert.Equal(TimeSpan.Zero, stored.At.Offset);
        Assert.Equal(0, countedSince);
        Assert.Equal(1, countedBefore);
    }

    [Fact]
    public async Task A_save_over_a_case_someone_else_saved_meanwhile_is_refused_by_the_concurrency_token()
    {
        var directory = await host.WithDbAsync(TestDirectory.SeedAsync);
        int caseId;
        await using (var scope = host.Scope())
        {
            var opened = await scope.ServiceProvider.GetRequiredService<CaseWorkflow>().OpenAsync(
                new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Major, "Router reboots", Channel.Web), Actor.System);
            caseId = opened.Case!.Id;
        }
        await using var first = host.Scope();
        await using var second = host.Scope();
        var firstDb = first.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var secondDb = second.ServiceProvider.GetRequiredService<WebTicketingDb>();
        var seenByFirst = await firstDb.Cases.SingleAsync(c => c.Id == caseId);
        var seenBySecond = await secondDb.Cases.SingleAsync(c => c.Id == caseId);

        seenByFirst.Description = "first";
        await firstDb.SaveChangesAsync();
        seenBySecond.Description = "second";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => secondDb.SaveChangesAsync());
        Assert.Equal("first", (await host.WithDbAsync(db => db.Cases.SingleAsync(c => c.Id == caseId))).Description);
    }

    [Fact]
    public async Task Writes_queue_in_the_process_on_SQLite_and_go_straight_to_PostgreSQL()
    {
        var gate = host.Services.GetRequiredService<WriteGate>();

        using var holding = await gate.EnterAsync(CancellationToken.None);
        var next = gate.EnterAsync(CancellationToken.None);

        Assert.Equal(TestDatabase.UsesPostgres, next.IsCompleted);
        holding.Dispose();
        (await next).Dispose();
    }
}
