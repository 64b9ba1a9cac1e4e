using Hangfire;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>Registers the daily retention run where this process runs a Hangfire server, as the other recurring jobs are.</summary>
internal sealed class CallSessionRetentionRegistration(IRecurringJobManager recurringJobs, IConfiguration configuration) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Jobs:RunServer", true))
        {
            recurringJobs.AddOrUpdate<CallSessionRetention>(CallSessionRetention.JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily(3));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
