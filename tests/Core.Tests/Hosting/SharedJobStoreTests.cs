using System.Collections.Concurrent;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Hosting;

[CollectionDefinition(nameof(SharedJobStoreTests), DisableParallelization = true)]
public sealed class SharedJobStoreCollection;

/// <summary>
/// Two instances, each with its own Hangfire server, on one job store (the shared PostgreSQL database, or the shared
/// hangfire.db on one machine): a job is fetched by exactly one of them, so an SLA check or an SMS send never runs twice.
/// </summary>
[Collection(nameof(SharedJobStoreTests))]
public sealed class SharedJobStoreTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly List<CoreTestHost> instances = [];

    public async Task InitializeAsync()
    {
        // Both start at once, as a deployment's instances do: migrations and the job store's schema must cope.
        instances.AddRange(await Task.WhenAll(new[] { "a", "b" }.Select(async name =>
        {
            var instance = await CoreTestHost.StartAsync(
                builder => builder.Services.AddSingleton(new InstanceName(name)),
                new Dictionary<string, string?> { ["Jobs:RunServer"] = "true", ["Jobs:WorkerCount"] = "3" },
                database);
            await instance.Host.StartAsync();
            return instance;
        })));
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.Host.StopAsync();
            await instance.DisposeAsync();
        }
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Jobs_enqueued_or_scheduled_on_one_instance_run_exactly_once_across_both()
    {
        var jobs = instances[0].Services.GetRequiredService<IBackgroundJobClient>();
        var batch = Guid.NewGuid();
        const int Count = 30;

        for (var i = 0; i < Count; i++)
        {
            // Scheduled jobs also pass through the delayed-job scheduler that every server runs.
            _ = i % 3 == 0 ? jobs.Schedule<RecordingJob>(j => j.Run(batch, i), TimeSpan.Zero) : jobs.Enqueue<RecordingJob>(j => j.Run(batch, i));
        }
        var runs = await RecordingJob.WaitForAsync(batch, Count, TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(0, Count), runs.Select(r => r.Item).Order());
        Assert.All(runs, r => Assert.Contains(r.Instance, new[] { "a", "b" }));
    }

    public sealed record InstanceName(string Value);

    public sealed class RecordingJob(InstanceName instance)
    {
        private static readonly ConcurrentDictionary<Guid, Batch> Batches = new();

        public void Run(Guid batch, int item)
        {
            var runs = Batches.GetOrAdd(batch, _ => new Batch());
            runs.Runs.Enqueue((item, instance.Value));
            runs.Changed.Release();
        }

        public static async Task<List<(int Item, string Instance)>> WaitForAsync(Guid batch, int count, TimeSpan timeout)
        {
            var runs = Batches.GetOrAdd(batch, _ => new Batch());
            using var cancel = new CancellationTokenSource(timeout);
            while (runs.Runs.Count < count)
            {
                await runs.Changed.WaitAsync(cancel.Token);
            }
            return runs.Runs.ToList();
        }

        private sealed class Batch
        {
            public ConcurrentQueue<(int Item, string Instance)> Runs { get; } = new();
            public SemaphoreSlim Changed { get; } = new(0);
        }
    }
}
