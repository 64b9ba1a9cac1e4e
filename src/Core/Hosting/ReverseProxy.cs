using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebTicketing.Core.Hosting;

public static class ReverseProxy
{
    /// <summary>
    /// Both apps run behind the load balancer: the scheme and host Twilio called (its signatures are computed over
    /// that URL) and the client's address come from <c>X-Forwarded-Proto/Host/For</c>.
    /// Trusts <c>X-Forwarded-*</c> from the proxies in <c>ForwardedHeaders:KnownProxies</c> (addresses) and
    /// <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges) besides loopback. Behind a proxy that is not listed, the
    /// app sees the proxy's scheme and host, and Twilio signatures (computed over the public URL) fail.
    /// </summary>
    public static IServiceCollection AddKnownProxies(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                foreach (var proxy in Values(configuration, "ForwardedHeaders:KnownProxies"))
                {
                    options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address : throw Invalid("ForwardedHeaders:KnownProxies", proxy));
                }
                foreach (var network in Values(configuration, "ForwardedHeaders:KnownNetworks"))
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range) ? range : throw Invalid("ForwardedHeaders:KnownNetworks", network));
                }
            })
            .ValidateOnStart();
        return services;
    }

    // Accepts a list ("KnownProxies:0", "KnownProxies:1") or one comma-separated value (an environment variable).
    private static IEnumerable<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        return section.GetChildren().Select(child => child.Value).Append(section.Value)
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static OptionsValidationException Invalid(string key, string value) =>
        new(key, typeof(ForwardedHeadersOptions), [$"{key}: '{value}' is not an IP address{(key.EndsWith("Networks", StringComparison.Ordinal) ? " range (CIDR)" : "")}."]);
}
