using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace WebTicketing.Core.Notifications;

public static class SmsRegistration
{
    /// <summary>The outbox, its sender and jobs, the SMS texts, delivery callbacks and the inbound conversation.</summary>
    public static IHostApplicationBuilder AddSms(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SmsOptions>().BindConfiguration("Sms")
            .Validate(o => o.MaxAttempts > 0, "Sms:MaxAttempts must be at least 1.")
            .Validate(o => o.FirstRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.FirstRetryDelay, "Sms:FirstRetryDelay must be positive and Sms:MaxRetryDelay at least as long.")
            .Validate(o => o.SendingLease >= TimeSpan.FromMinutes(1), "Sms:SendingLease must be at least a minute: a live send must never look stuck.")
            .Validate(o => o.BatchSize > 0, "Sms:BatchSize must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<SmsTexts>();
        services.AddScoped<SmsOutbox>();
        services.AddScoped<CaseNotifications>();
        services.AddScoped<SmsSender>();
        services.AddScoped<SmsDelivery>();
        services.AddScoped<SmsInbox>();
        services.AddScoped<TwilioMessages>();
        services.AddTransient<TwilioApiBaseUrlHandler>();
        services.AddHttpClient(TwilioMessages.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .AddHttpMessageHandler<TwilioApiBaseUrlHandler>();
        // Every Hangfire server runs the dispatcher; a process that runs none has nothing to register.
        if (builder.Configuration.GetValue("Jobs:RunServer", true))
        {
            services.AddHostedService<SmsDispatcherRegistration>();
        }
        return builder;
    }

    private sealed class SmsDispatcherRegistration(IRecurringJobManager recurringJobs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurringJobs.AddOrUpdate<SmsSender>(SmsSender.DispatcherJobId, sender => sender.DispatchDueAsync(CancellationToken.None), Cron.Minutely());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
