using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace WebTicketing.Core.Hosting;

/// <summary>
/// Hangfire logs through one process-wide provider, which the last host to configure Hangfire sets to its own
/// logger factory. When that host stops first (a CLI import beside an app, a shutdown racing a job client, tests
/// running hosts side by side), Hangfire would ask a disposed factory for a logger and fail the caller's work; here
/// it gets a silent logger instead.
/// </summary>
internal sealed class JobLogging(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
