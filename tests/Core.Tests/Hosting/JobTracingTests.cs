using System.Collections.Concurrent;
using System.Diagnostics;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Tests.Sla;
using WebTicketing.Core.Tests.Support;
using static WebTicketing.Core.Tests.Support.BackgroundServer;

namespace WebTicketing.Core.Tests.Hosting;

[Collection(HangfireServerCollection.Name)]
public sealed class JobTracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> finished = new();
    private readonly ActivityListener listener;

    public JobTracingTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = finished.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task A_job_run_by_the_server_is_one_span_named_after_the_job_with_its_id()
    {
        await using var host = await CoreTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:RunServer"] = "true" });
        await host.RunAsync();

        var jobId = host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<SlaJobs>(j => j.SweepAsync(CancellationToken.None));

        await Eventually(() => Task.FromResult(finished.Any(a => Equals(a.GetTagItem("job.id"), jobId))));
        var span = finished.Single(a => Equals(a.GetTagItem("job.id"), jobId));
        Assert.Equal("job SlaJobs.SweepAsync", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }
}
