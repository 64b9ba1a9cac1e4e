using System.Net;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.ScaleOut;

/// <summary>
/// Two IvrWebhooks processes on one database, behind a load balancer that sends each webhook wherever it likes: no
/// memory, lock or connection pool in common, only the database (PostgreSQL in CI's second run; on SQLite one file, as
/// two processes on one machine share it). The processes run on real time.
/// </summary>
public sealed class TwoProcessTests : IAsyncLifetime
{
    private readonly IvrApp seeder = new();
    private readonly List<IvrProcess> processes = [];
    private VoiceDirectory directory = null!;

    public async Task InitializeAsync()
    {
        directory = await VoiceDirectory.SeedAsync(seeder);
        processes.AddRange(await Task.WhenAll(IvrProcess.StartAsync(seeder.Database), IvrProcess.StartAsync(seeder.Database)));
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
        await seeder.DisposeAsync();
    }

    [Fact]
    public async Task One_calls_webhooks_sent_alternately_to_two_processes_continue_the_same_call()
    {
        var call = new PhoneCall(processes[0], VoiceDirectory.AnaPhone, "CA00000000000000000000000000000101");
        var step = 0;
        PhoneCall OnNextProcess()
        {
            call.App = processes[step++ % 2];
            return call;
        }

        await OnNextProcess().StartAsync();
        await OnNextProcess().StepAsync("menu", "1");
        await OnNextProcess().StepAsync("code", VoiceDirectory.AcmeCode);
        await OnNextProcess().StepAsync("confirm-code", "1");
        await OnNextProcess().StepAsync("severity", "2");
        var opened = await OnNextProcess().RecordAsync("description", "RE0701");
        Assert.Equal(HttpStatusCode.NoContent, await OnNextProcess().HangUpAsync());

        Assert.Contains("Hemos abierto el caso", opened);
        var stored = await seeder.WithDbAsync(db => db.Cases.Include(c => c.Events).SingleAsync(c => c.OpeningKey == "call:" + call.CallSid));
        Assert.Contains(stored.Number, Digits(opened), StringComparison.Ordinal);
        Assert.Equal(directory.AcmeRouterId, stored.EquipmentId);
        Assert.Single(stored.Events, e => e.Kind == CaseEventKind.Opened);
    }

    [Fact]
    public async Task Calls_recorded_at_once_through_both_processes_open_one_case_each_with_unique_numbers()
    {
        const int Calls = 8;
        var calls = new List<PhoneCall>();
        for (var i = 0; i < Calls; i++)
        {
            var call = new PhoneCall(processes[i % 2], VoiceDirectory.AnaPhone, $"CA{200 + i:D32}");
            await call.StartAsync();
            await call.StepAsync("menu", "1");
            await call.StepAsync("code", VoiceDirectory.AcmeCode);
            await call.StepAsync("confirm-code", "1");
            await call.StepAsync("severity", "3");
            calls.Add(call);
        }

        // Each call's recording lands on both processes at once, as a retry on the other instance would.
        var answers = await Task.WhenAll(calls.SelectMany(call => processes.Select(process =>
            new PhoneCall(process, call.From, call.CallSid).RecordAsync("description", $"RE{call.CallSid[^4..]}", token: $"{call.CallSid}-description"))));

        Assert.All(answers, answer => Assert.Contains("Hemos abierto el caso", answer));
        var opened = await seeder.WithDbAsync(db => db.Cases.Where(c => c.OpeningKey!.StartsWith("call:CA")).Select(c => new { c.OpeningKey, c.Number }).ToListAsync());
        Assert.Equal(Calls, opened.Count);
        Assert.Equal(Calls, opened.Select(c => c.Number).Distinct().Count());
        Assert.All(opened, c => Assert.True(CaseNumber.TryParse(c.Number, out _)));
    }

    private static string Digits(string twiml) => twiml.Replace(" ", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
}
