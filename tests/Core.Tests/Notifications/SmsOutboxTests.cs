using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Data;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Notifications;

/// <summary>Queuing many SMS at once, as the SLA sweep does with a backlog's alerts.</summary>
public sealed class SmsOutboxTests : IAsyncLifetime
{
    private const string OptedOut = "+34600000009";
    private CoreTestHost host = null!;

    public async Task InitializeAsync() => host = await CoreTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static OutboxMessage Sms(string key, string to) => new() { DedupKey = key, To = to, Body = $"Text of {key}" };

    [Fact]
    public async Task Many_messages_at_once_skip_keys_already_queued_repeated_keys_and_opted_out_phones_and_share_one_send_job()
    {
        await using (var scope = host.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
            db.SmsOptOuts.Add(new SmsOptOut { Phone = OptedOut, At = CoreTestHost.Start });
            await scope.ServiceProvider.GetRequiredService<SmsOutbox>().QueueAsync("saved-before", "+34600000001", "Queued earlier");
            await db.SaveChangesAsync();
        }
        var jobsBefore = host.EnqueuedSmsJobs().Count;

        IReadOnlyList<OutboxMessage> added;
        await using (var scope = host.Scope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<SmsOutbox>();
            Assert.True(await outbox.QueueAsync("queued-in-this-change", "+34600000002", "Not saved yet"));
            added = await outbox.QueueAsync([
                Sms("saved-before", "+34600000001"),
                Sms("queued-in-this-change", "+34600000002"),
                Sms("new-1", "+34600000003"),
                Sms("new-1", "+34600000004"),
                Sms("new-2", "+34600000004"),
                Sms("to-opted-out", OptedOut),
            ]);
            await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().SaveChangesAsync();
        }

        Assert.Equal(["new-1", "new-2"], added.Select(m => m.DedupKey));
        var stored = await host.WithDbAsync(db => db.Outbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(["queued-in-this-change", "new-1", "new-2"], stored.Skip(1).Select(m => m.DedupKey));
        Assert.Equal("+34600000003", stored.Single(m => m.DedupKey == "new-1").To);
        Assert.All(stored, m => Assert.Equal(OutboxStatus.Pending, m.Status));
        // One job per call, each with the messages that call added.
        var jobs = host.EnqueuedSmsJobs().Skip(jobsBefore).ToList();
        Assert.Equal(2, jobs.Count);
        Assert.Contains(jobs, ids => ids.SequenceEqual(stored.Where(m => m.DedupKey.StartsWith("new-", StringComparison.Ordinal)).Select(m => m.Id)));
    }

    [Fact]
    public async Task The_send_job_sends_every_message_it_carries()
    {
        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<SmsOutbox>().QueueAsync([Sms("a", "+34600000011"), Sms("b", "+34600000012"), Sms("c", "+34600000013")]);
            await scope.ServiceProvider.GetRequiredService<WebTicketingDb>().SaveChangesAsync();
        }
        var job = Assert.Single(host.EnqueuedSmsJobs());

        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<SmsSender>().SendAsync(job, CancellationToken.None);
        }

        var stored = await host.WithDbAsync(db => db.Outbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(stored.Select(m => m.Id), job);
        // Local mode: the outbox is the phone, so a sent message is delivered at once.
        Assert.All(stored, m => Assert.Equal(OutboxStatus.Delivered, m.Status));
    }
}
