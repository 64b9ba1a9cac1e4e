using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Hosting;

namespace WebTicketing.AgentConsole.Tests.Realtime;

/// <summary>Runs when <c>WEBTICKETING_TEST_REDIS</c> names a Redis server (CI starts one); skipped otherwise.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public const string Variable = "WEBTICKETING_TEST_REDIS";

    public RedisFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set.";
        }
    }
}

/// <summary>Two console instances on real Kestrel sharing a real Redis, each mapping a tiny hub.</summary>
public sealed class RealtimeBackplaneTests : IAsyncLifetime
{
    private readonly string channelPrefix = $"webticketing-test-{Guid.NewGuid():n}";
    private readonly List<WebApplication> instances = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration["Redis:Connection"] = Environment.GetEnvironmentVariable(RedisFactAttribute.Variable);
            builder.Configuration["Redis:ChannelPrefix"] = channelPrefix;
            builder.Services.AddSignalR().AddRealtimeBackplane(builder.Configuration);
            var app = builder.Build();
            app.MapHub<ScreenPopHub>("/hubs/screen-pop");
            await app.StartAsync();
            instances.Add(app);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
    }

    [RedisFact]
    public async Task A_screen_pop_published_on_one_instance_reaches_an_agent_connected_to_another()
    {
        await using var agentOnB = new HubConnectionBuilder().WithUrl($"{instances[1].Urls.Single()}/hubs/screen-pop").Build();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        agentOnB.On<string>("ScreenPop", callSid => received.TrySetResult(callSid));
        await agentOnB.StartAsync();
        // A round trip proves instance B has finished connecting the agent, its Redis subscriptions included.
        await agentOnB.InvokeAsync("Ping");

        await instances[0].Services.GetRequiredService<IHubContext<ScreenPopHub>>().Clients.All.SendAsync("ScreenPop", "CA0001");

        Assert.Equal("CA0001", await received.Task.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Theory]
    [InlineData(null, "DefaultHubLifetimeManager`1")]
    [InlineData("redis.internal:6379,abortConnect=false", "RedisHubLifetimeManager`1")]
    public void Messages_go_through_Redis_only_when_a_Redis_connection_is_configured(string? connection, string lifetimeManager)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Redis:Connection"] = connection;

        builder.Services.AddSignalR().AddRealtimeBackplane(builder.Configuration);

        Assert.Equal(lifetimeManager, builder.Services.Last(d => d.ServiceType == typeof(HubLifetimeManager<>)).ImplementationType?.Name);
    }

    public sealed class ScreenPopHub : Hub
    {
        public Task Ping() => Task.CompletedTask;
    }
}
