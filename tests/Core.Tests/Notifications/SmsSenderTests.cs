using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Notifications;

/// <summary>The outbox sender in Live mode against a scripted Twilio, and in Local mode.</summary>
public sealed class SmsSenderTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private readonly TwilioApiStub twilio = new();
    private readonly TestDatabase database = TestDatabase.Create();
    private CoreTestHost host = null!;
    private TestDirectory directory = null!;

    public async Task InitializeAsync()
    {
        host = await StartAsync(TwilioModeLive);
        directory = await host.WithDbAsync(TestDirectory.SeedAsync);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    private const string TwilioModeLive = "Live";

    /// <summary>This test's app, or (called again) a second app or a restart on the same database.</summary>
    private Task<CoreTestHost> StartAsync(string mode) =>
        CoreTestHost.StartAsync(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Twilio:Mode"] = mode,
                ["Twilio:AccountSid"] = AccountSid,
                ["Twilio:PhoneNumber"] = "+34910000000",
                ["Twilio:PublicBaseUrl"] = "https://support.example.test",
            });
            builder.Services.AddHttpClient(TwilioMessages.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => twilio);
        }, sharedDatabase: database, time: host?.Time);

    private async Task<Case> OpenCaseAsync()
    {
        await using var scope = host.Scope();
        var change = await scope.ServiceProvider.GetRequiredService<CaseWorkflow>().OpenAsync(
            new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Major, "Router reboots", Channel.Web, directory.AcmeContact.Id), Actor.Phone);
        return change.Case!;
    }

    private async Task<OutboxMessage> QueuedMessageAsync() =>
        await host.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync());

    private async Task SendAsync(long id)
    {
        await using var scope = host.Scope();
        await scope.ServiceProvider.GetRequiredService<SmsSender>().SendAsync(id, CancellationToken.None);
    }

    private async Task DispatchAsync(CoreTestHost? on = null)
    {
        await using var scope = (on ?? host).Scope();
        await scope.ServiceProvider.GetRequiredService<SmsSender>().DispatchDueAsync(CancellationToken.None);
    }

    private Task<OutboxMessage> MessageAsync(long id) => host.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id));

    private Task<List<CaseEventKind>> SmsEventsAsync(int caseId) => host.WithDbAsync(db => db.CaseEvents
        .Where(e => e.CaseId == caseId && (e.Kind == CaseEventKind.SmsSent || e.Kind == CaseEventKind.SmsDelivered || e.Kind == CaseEventKind.SmsFailed))
        .OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());

    [Fact]
    public async Task An_accepted_message_is_queued_with_twilios_sid_and_written_on_the_case_timeline()
    {
        var @case = await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        twilio.Accepts("SM11111111111111111111111111111111", "queued");

        await SendAsync(message.Id);

        var sent = await MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Queued, sent.Status);
        Assert.Equal("SM11111111111111111111111111111111", sent.MessageSid);
        Assert.Equal(CoreTestHost.Start, sent.SentAt);
        Assert.Equal(1, sent.Attempts);
        Assert.Equal([CaseEventKind.SmsSent], await SmsEventsAsync(@case.Id));
        var create = Assert.Single(twilio.Creates);
        Assert.Equal(message.Body, create.Form["Body"]);
        Assert.Equal("https://support.example.test/twilio/sms/status", create.Form["StatusCallback"]);
    }

    [Fact]
    public async Task The_same_job_run_twice_and_two_dispatchers_racing_send_a_message_once()
    {
        await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        twilio.Accepts().Accepts().Accepts();

        await Task.WhenAll(SendAsync(message.Id), SendAsync(message.Id), DispatchAsync(), DispatchAsync());
        await SendAsync(message.Id);

        Assert.Single(twilio.Creates);
        Assert.Equal(1, (await MessageAsync(message.Id)).Attempts);
    }

    [Fact]
    public async Task Both_apps_dispatching_the_same_outbox_send_each_message_once()
    {
        for (var i = 0; i < 8; i++)
        {
            await OpenCaseAsync();
            twilio.Accepts($"SM{i:d32}");
        }
        // The console and the IVR app each run a Hangfire server on the same database: two processes, two write gates.
        await using var otherApp = await StartAsync(TwilioModeLive);

        await Task.WhenAll(DispatchAsync(), DispatchAsync(otherApp), DispatchAsync(), DispatchAsync(otherApp));

        var messages = await host.WithDbAsync(db => db.Outbox.AsNoTracking().ToListAsync());
        Assert.Equal(8, twilio.Creates.Count());
        Assert.Equal(8, twilio.Creates.Select(c => c.Form["Body"]).Distinct().Count());
        Assert.All(messages, m => Assert.Equal((OutboxStatus.Queued, 1), (m.Status, m.Attempts)));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, 20500, "20500")]
    [InlineData(HttpStatusCode.TooManyRequests, 20429, "20429")]
    public async Task A_transient_failure_is_retried_with_growing_delays_then_given_up(HttpStatusCode status, int code, string expectedCode)
    {
        var @case = await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        for (var i = 0; i < 6; i++)
        {
            twilio.Fails(status, code, "Try later");
        }

        await SendAsync(message.Id);
        var retrying = await MessageAsync(message.Id);
        await DispatchAsync();
        var beforeDue = twilio.Creates.Count();

        Assert.Equal(OutboxStatus.Pending, retrying.Status);
        Assert.Equal(expectedCode, retrying.ErrorCode);
        Assert.Equal(CoreTestHost.Start.AddSeconds(30), retrying.NextAttemptAt);
        Assert.Equal(1, beforeDue);

        var delays = new List<TimeSpan>();
        for (var attempt = 2; attempt <= 6; attempt++)
        {
            var due = (await MessageAsync(message.Id)).NextAttemptAt!.Value;
            delays.Add(due - host.Time.GetUtcNow());
            host.Time.SetUtcNow(due);
            await DispatchAsync();
        }

        var failed = await MessageAsync(message.Id);
        Assert.Equal([30, 60, 120, 240, 480], delays.Select(d => (int)d.TotalSeconds));
        Assert.Equal(6, twilio.Creates.Count());
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(expectedCode, failed.ErrorCode);
        Assert.Contains("Gave up after 6 attempts", failed.Error);
        Assert.Equal([CaseEventKind.SmsFailed], await SmsEventsAsync(@case.Id));
    }

    [Fact]
    public async Task A_timeout_or_a_proxys_error_page_is_retried_not_failed()
    {
        await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        twilio.TimesOut().Then(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>", "text/html").Accepts();

        await SendAsync(message.Id);
        var afterTimeout = await MessageAsync(message.Id);
        host.Time.SetUtcNow(afterTimeout.NextAttemptAt!.Value);
        await DispatchAsync();
        var afterBadGateway = await MessageAsync(message.Id);
        host.Time.SetUtcNow(afterBadGateway.NextAttemptAt!.Value);
        await DispatchAsync();

        Assert.Equal(OutboxStatus.Pending, afterTimeout.Status);
        Assert.Equal(OutboxStatus.Pending, afterBadGateway.Status);
        var sent = await MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Queued, sent.Status);
        Assert.Equal(3, sent.Attempts);
    }

    [Theory]
    [InlineData(21211, "The 'To' number +34600000001 is not a valid phone number.")]
    [InlineData(21614, "'To' number is not a valid mobile number")]
    [InlineData(21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number")]
    public async Task A_permanent_failure_is_recorded_on_the_message_and_the_case_and_never_retried(int code, string error)
    {
        var @case = await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        twilio.Fails(HttpStatusCode.BadRequest, code, error);

        await SendAsync(message.Id);
        host.Time.Advance(TimeSpan.FromHours(1));
        await DispatchAsync();

        var failed = await MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.ErrorCode);
        Assert.Equal(error, failed.Error);
        Assert.Single(twilio.Creates);
        var timeline = await host.WithDbAsync(db => db.CaseEvents.SingleAsync(e => e.CaseId == @case.Id && e.Kind == CaseEventKind.SmsFailed));
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), timeline.Text);
    }

    [Fact]
    public async Task Twilio_refusing_an_unsubscribed_recipient_opts_the_phone_out_here_too()
    {
        await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        twilio.Fails(HttpStatusCode.BadRequest, 21610, "Attempt to send to unsubscribed recipient");

        await SendAsync(message.Id);

        Assert.True(await host.WithDbAsync(db => db.SmsOptOuts.AnyAsync(o => o.Phone == directory.AcmeContact.Phone)));
    }

    [Fact]
    public async Task A_phone_that_opted_out_after_the_message_was_queued_gets_nothing()
    {
        await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        await host.WithDbAsync(db =>
        {
            db.SmsOptOuts.Add(new SmsOptOut { Phone = message.To, At = CoreTestHost.Start });
            return db.SaveChangesAsync();
        });

        await SendAsync(message.Id);

        Assert.Empty(twilio.Requests);
        var failed = await MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(SmsSender.OptedOutCode, failed.ErrorCode);
    }

    /// <summary>A sender that claimed the message and died before recording Twilio's answer: the host restarts on the same data.</summary>
    private async Task<OutboxMessage> CrashMidSendAsync()
    {
        await OpenCaseAsync();
        var message = await QueuedMessageAsync();
        await host.WithDbAsync(db => db.Outbox.Where(m => m.Id == message.Id).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.Status, OutboxStatus.Sending)
            .SetProperty(m => m.Attempts, 1)
            .SetProperty(m => m.NextAttemptAt, CoreTestHost.Start.AddMinutes(5))));
        host.Stop();
        host = await StartAsync(TwilioModeLive);
        return message;
    }

    [Fact]
    public async Task After_a_restart_mid_send_a_message_twilio_already_has_is_adopted_not_sent_again()
    {
        var message = await CrashMidSendAsync();
        twilio.Lists(("SM22222222222222222222222222222222", "another text", "delivered"), ("SM33333333333333333333333333333333", message.Body, "sent"));

        await DispatchAsync();
        var beforeLeaseEnds = twilio.Requests.Count;
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await DispatchAsync();
        await DispatchAsync();

        var adopted = await MessageAsync(message.Id);
        Assert.Equal(0, beforeLeaseEnds);
        Assert.Empty(twilio.Creates);
        Assert.Equal(OutboxStatus.Sent, adopted.Status);
        Assert.Equal("SM33333333333333333333333333333333", adopted.MessageSid);
        var list = Assert.Single(twilio.Requests);
        Assert.Equal(HttpMethod.Get, list.Method);
        Assert.Contains("To=%2B34600000001", list.Uri.Query);
    }

    [Fact]
    public async Task After_a_restart_mid_send_a_message_twilio_never_got_is_sent_once()
    {
        var message = await CrashMidSendAsync();
        twilio.Lists(("SM22222222222222222222222222222222", "another text", "delivered")).Accepts();

        host.Time.Advance(TimeSpan.FromMinutes(5));
        await DispatchAsync();
        await DispatchAsync();

        var sent = await MessageAsync(message.Id);
        Assert.Single(twilio.Creates);
        Assert.Equal(OutboxStatus.Queued, sent.Status);
        Assert.Equal(2, sent.Attempts);
    }

    [Fact]
    public async Task After_a_restart_mid_send_with_twilio_unreachable_the_message_is_left_for_a_human_not_resent()
    {
        var message = await CrashMidSendAsync();
        for (var i = 0; i < 8; i++)
        {
            twilio.Fails(HttpStatusCode.ServiceUnavailable, 20503, "Service unavailable");
        }
        await host.WithDbAsync(db => db.Outbox.Where(m => m.Id == message.Id).ExecuteUpdateAsync(set => set.SetProperty(m => m.Attempts, 6)));

        host.Time.Advance(TimeSpan.FromMinutes(5));
        await DispatchAsync();

        var failed = await MessageAsync(message.Id);
        Assert.Empty(twilio.Creates);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(SmsSender.UnconfirmedCode, failed.ErrorCode);
    }

    [Fact]
    public async Task In_local_mode_a_message_is_delivered_to_the_local_outbox_and_twilio_is_never_called()
    {
        host.Stop();
        host = await StartAsync("Local");
        var @case = await OpenCaseAsync();
        var message = await QueuedMessageAsync();

        await SendAsync(message.Id);
        await SendAsync(message.Id);

        var delivered = await MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Delivered, delivered.Status);
        Assert.StartsWith("SMlocal", delivered.MessageSid);
        Assert.Empty(twilio.Requests);
        Assert.Equal([CaseEventKind.SmsSent, CaseEventKind.SmsDelivered], await SmsEventsAsync(@case.Id));
    }
}
