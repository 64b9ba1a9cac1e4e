using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Sla;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Hosting;

[Collection(HangfireServerCollection.Name)]
public sealed class JobLoggingTests
{
    [Fact]
    public async Task An_app_keeps_scheduling_jobs_after_another_host_in_its_process_configured_hangfire_and_stopped()
    {
        await using var app = await CoreTestHost.StartAsync();
        _ = app.Services.GetRequiredService<IGlobalConfiguration>();
        // A CLI import beside the app: it configures Hangfire last (logging is process-wide), then stops.
        var import = await CoreTestHost.StartAsync(sharedDatabase: app.Database);
        _ = import.Services.GetRequiredService<IGlobalConfiguration>();
        await import.DisposeAsync();

        var client = app.Services.GetRequiredService<IBackgroundJobClient>();
        var jobId = client.Schedule<SlaJobs>(j => j.SweepAsync(CancellationToken.None), TimeSpan.FromHours(1));

        Assert.False(string.IsNullOrEmpty(jobId));
    }
}
