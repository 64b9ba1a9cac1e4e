using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Notifications;

public sealed class CaseNotificationsTests : IAsyncLifetime
{
    private static readonly Actor Agent = Actor.ForAgent(1, "Carmen");
    private CoreTestHost host = null!;
    private TestDirectory directory = null!;

    public async Task InitializeAsync()
    {
        host = await CoreTestHost.StartAsync();
        directory = await host.WithDbAsync(TestDirectory.SeedAsync);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<CaseChange> WorkflowAsync(Func<CaseWorkflow, Task<CaseChange>> change)
    {
        await using var scope = host.Scope();
        var result = await change(scope.ServiceProvider.GetRequiredService<CaseWorkflow>());
        Assert.True(result.Succeeded, result.Problem);
        return result;
    }

    private Task<CaseChange> OpenAsync(Channel channel = Channel.Web, int? contactId = -1, string? key = null) =>
        WorkflowAsync(w => w.OpenAsync(
            new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Major, "Router reboots every hour", channel,
                contactId == -1 ? directory.AcmeContact.Id : contactId, OpeningKey: key),
            Actor.Phone));

    private Task<List<OutboxMessage>> OutboxAsync() => host.WithDbAsync(db => db.Outbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    [Theory]
    [InlineData(Channel.Phone)]
    [InlineData(Channel.Web)]
    [InlineData(Channel.Sms)]
    public async Task Opening_a_case_from_any_channel_texts_its_contact_the_case_number_in_their_language(Channel channel)
    {
        var opened = (await OpenAsync(channel)).Case!;

        var message = Assert.Single(await OutboxAsync());
        Assert.Equal($"case:{opened.Id}:opened", message.DedupKey);
        Assert.Equal(directory.AcmeContact.Phone, message.To);
        Assert.Equal(opened.Id, message.CaseId);
        Assert.StartsWith($"Hemos abierto su caso {opened.Number}.", message.Body);
        Assert.Equal(OutboxStatus.Pending, message.Status);
    }

    [Fact]
    public async Task A_retried_opening_does_not_text_twice()
    {
        await OpenAsync(key: "call:CA1");
        await OpenAsync(key: "call:CA1");

        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task Status_changes_the_customer_cares_about_and_staff_public_notes_are_texted_once_each()
    {
        var opened = (await OpenAsync()).Case!;
        await WorkflowAsync(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.InProgress, Agent));
        await WorkflowAsync(w => w.AddNoteAsync(opened.Id, null, "Internal: ask vendor", isPublic: false, Agent));
        await WorkflowAsync(w => w.AddNoteAsync(opened.Id, null, "A technician visits tomorrow at 10:00.", isPublic: true, Agent));
        await WorkflowAsync(w => w.ChangeSeverityAsync(opened.Id, null, Severity.Critical, Agent));
        await WorkflowAsync(w => w.ChangeStatusAsync(opened.Id, null, CaseStatus.WaitingOnCustomer, Agent));
        await WorkflowAsync(w => w.ResolveAsync(opened.Id, null, Agent, "Power supply replaced"));
        await WorkflowAsync(w => w.CloseAsync(opened.Id, null, Agent));

        var messages = await OutboxAsync();
        var events = await host.WithDbAsync(db => db.CaseEvents.Where(e => e.CaseId == opened.Id).ToListAsync());
        string[] expected =
        [
            $"Hemos abierto su caso {opened.Number}.",
            $"Caso {opened.Number}: nuestro equipo ya trabaja en él.",
            $"Caso {opened.Number}, novedad: A technician visits tomorrow at 10:00.",
            $"Caso {opened.Number}: necesitamos datos suyos",
            $"Caso {opened.Number} resuelto.",
        ];
        Assert.Equal(expected.Length, messages.Count);
        Assert.All(expected.Zip(messages), pair => Assert.StartsWith(pair.First, pair.Second.Body));
        Assert.All(messages.Skip(1), m => Assert.Matches($"^case:{opened.Id}:event:\\d+$", m.DedupKey));
        Assert.All(messages.Skip(1), m => Assert.Contains(events, e => m.DedupKey == $"case:{opened.Id}:event:{e.Id}"));
    }

    [Fact]
    public async Task The_customers_own_notes_and_reopenings_are_not_texted_back_to_them()
    {
        var opened = (await OpenAsync()).Case!;
        var ana = Actor.ForContact(directory.AcmeContact.Id, directory.Acme.Id, "Ana");
        await WorkflowAsync(w => w.AddNoteAsync(opened.Id, null, "It happened again", isPublic: true, ana));
        await WorkflowAsync(w => w.ResolveAsync(opened.Id, null, Agent, "Fixed"));
        await WorkflowAsync(w => w.ReopenAsync(opened.Id, null, ana, "Not fixed"));

        Assert.Equal(2, (await OutboxAsync()).Count);
    }

    [Fact]
    public async Task Contacts_without_SMS_consent_or_opted_out_and_cases_without_contact_queue_nothing()
    {
        await host.WithDbAsync(async db =>
        {
            db.SmsOptOuts.Add(new SmsOptOut { Phone = directory.AcmeContact.Phone!, At = CoreTestHost.Start });
            var bob = await db.Contacts.SingleAsync(c => c.Id == directory.GlobexContact.Id);
            bob.SmsOptIn = false;
            return await db.SaveChangesAsync();
        });

        await OpenAsync();
        await OpenAsync(contactId: null);
        await WorkflowAsync(w => w.OpenAsync(new OpenCaseRequest(directory.GlobexStorage.Id, Severity.Minor, "x", Channel.Phone, directory.GlobexContact.Id), Actor.Phone));

        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task A_change_refused_as_stale_queues_no_message()
    {
        var opened = (await OpenAsync()).Case!;
        await WorkflowAsync(w => w.ChangeStatusAsync(opened.Id, opened.Version, CaseStatus.InProgress, Agent));

        await using var scope = host.Scope();
        var stale = await scope.ServiceProvider.GetRequiredService<CaseWorkflow>()
            .AddNoteAsync(opened.Id, opened.Version, "Seen an old version", isPublic: true, Agent);

        Assert.Equal(CaseChangeOutcome.Conflict, stale.Outcome);
        Assert.Equal(2, (await OutboxAsync()).Count);
    }
}
