using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WebTicketing.Core.Hosting;

/// <summary>Redis settings (<c>Redis</c> section); unset means one instance per app and no backplane.</summary>
public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis.internal:6379,password=…</c>.</summary>
    public string? Connection { get; set; }
    /// <summary>Keeps several deployments (production, staging) apart on one Redis.</summary>
    public string ChannelPrefix { get; set; } = "WebTicketing";
}

public static class RealtimeBackplane
{
    /// <summary>
    /// With <c>Redis:Connection</c> set, every SignalR message goes through Redis, so a screen pop sent by any console
    /// instance reaches agents connected to any other. Without it each instance reaches its own connections only,
    /// which is right for a single instance. Call it on the app's SignalR registration:
    /// <c>builder.Services.AddSignalR().AddRealtimeBackplane(builder.Configuration)</c>.
    /// </summary>
    public static ISignalRServerBuilder AddRealtimeBackplane(this ISignalRServerBuilder signalR, IConfiguration configuration)
    {
        signalR.Services.AddOptions<RedisOptions>().BindConfiguration("Redis")
            .Validate(o => string.IsNullOrWhiteSpace(o.Connection) || IsValid(o.Connection), "Redis:Connection is not a valid StackExchange.Redis configuration string.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ChannelPrefix), "Redis:ChannelPrefix must not be empty.")
            .ValidateOnStart();
        var redis = configuration.GetSection("Redis").Get<RedisOptions>() ?? new RedisOptions();
        if (string.IsNullOrWhiteSpace(redis.Connection) || !IsValid(redis.Connection))
        {
            return signalR;
        }
        return signalR.AddStackExchangeRedis(redis.Connection, options =>
            options.Configuration.ChannelPrefix = RedisChannel.Literal(redis.ChannelPrefix));
    }

    private static bool IsValid(string connection)
    {
        try
        {
            ConfigurationOptions.Parse(connection);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
