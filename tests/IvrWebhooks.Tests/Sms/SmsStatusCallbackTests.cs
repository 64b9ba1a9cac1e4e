using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Notifications;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Sms;

public sealed class SmsStatusCallbackTests : IAsyncLifetime
{
    private SmsWebhookApp app = null!;
    private Case @case = null!;
    private OutboxMessage message = null!;

    public async Task InitializeAsync()
    {
        app = await SmsWebhookApp.StartAsync();
        @case = await app.OpenCaseAsync();
        // As Live mode leaves a message Twilio accepted.
        message = await app.WithDbAsync(async db =>
        {
            var queued = await db.Outbox.SingleAsync();
            queued.Status = OutboxStatus.Queued;
            queued.MessageSid = "SM0123456789abcdef0123456789abcdef";
            await db.SaveChangesAsync();
            return queued;
        });
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task<OutboxMessage> StoredAsync() => app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == message.Id));

    private Task<List<CaseEvent>> SmsEventsAsync() => app.WithDbAsync(db => db.CaseEvents.AsNoTracking()
        .Where(e => e.CaseId == @case.Id && (e.Kind == CaseEventKind.SmsDelivered || e.Kind == CaseEventKind.SmsFailed)).ToListAsync());

    [Fact]
    public async Task Delivery_moves_the_message_forward_and_writes_the_timeline_once()
    {
        Assert.Equal(204, await app.StatusCallbackAsync(message.MessageSid!, "sent"));
        Assert.Equal(OutboxStatus.Sent, (await StoredAsync()).Status);

        Assert.Equal(204, await app.StatusCallbackAsync(message.MessageSid!, "delivered"));
        Assert.Equal(204, await app.StatusCallbackAsync(message.MessageSid!, "delivered"));

        Assert.Equal(OutboxStatus.Delivered, (await StoredAsync()).Status);
        var delivered = Assert.Single(await SmsEventsAsync());
        Assert.Equal(CaseEventKind.SmsDelivered, delivered.Kind);
    }

    [Theory]
    [InlineData("sent")]
    [InlineData("queued")]
    [InlineData("undelivered")]
    public async Task A_late_callback_never_moves_a_delivered_message_backwards(string late)
    {
        await app.StatusCallbackAsync(message.MessageSid!, "delivered");

        await app.StatusCallbackAsync(message.MessageSid!, late);

        Assert.Equal(OutboxStatus.Delivered, (await StoredAsync()).Status);
        Assert.Single(await SmsEventsAsync());
    }

    [Theory]
    [InlineData("failed", "30008", OutboxStatus.Failed)]
    [InlineData("undelivered", "30003", OutboxStatus.Undelivered)]
    public async Task A_failed_delivery_keeps_twilios_error_code_and_shows_on_the_case(string status, string errorCode, OutboxStatus expected)
    {
        await app.StatusCallbackAsync(message.MessageSid!, "sent");

        await app.StatusCallbackAsync(message.MessageSid!, status, errorCode);

        var stored = await StoredAsync();
        Assert.Equal(expected, stored.Status);
        Assert.Equal(errorCode, stored.ErrorCode);
        var failed = Assert.Single(await SmsEventsAsync());
        Assert.Equal(CaseEventKind.SmsFailed, failed.Kind);
        Assert.Contains(errorCode, failed.Text);
    }

    [Fact]
    public async Task A_callback_for_an_unknown_message_is_acknowledged_and_ignored() =>
        Assert.Equal(204, await app.StatusCallbackAsync("SMffffffffffffffffffffffffffffffff", "delivered"));

    [Fact]
    public async Task A_forged_callback_is_refused_and_changes_nothing()
    {
        Assert.Equal(403, await app.StatusCallbackAsync(message.MessageSid!, "failed", "30008", signature: "Zm9yZ2Vk"));

        Assert.Equal(OutboxStatus.Queued, (await StoredAsync()).Status);
        Assert.Empty(await SmsEventsAsync());
    }
}
