using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using WebTicketing.Testing;

namespace WebTicketing.IvrWebhooks.Tests.ScaleOut;

public sealed class ReverseProxyTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly WebApplicationFactory<Program> factory;

    public ReverseProxyTests() =>
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseTestDatabase(database)
            .UseSetting("Jobs:RunServer", "false")
            .UseSetting("ForwardedHeaders:KnownProxies", "10.0.0.2, 10.0.0.3")
            .UseSetting("ForwardedHeaders:KnownNetworks:0", "192.168.10.0/24"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await database.DisposeAsync();
    }

    [Theory]
    [InlineData("10.0.0.3", "https", "support.example.com")]
    [InlineData("192.168.10.7", "https", "support.example.com")]
    [InlineData("10.9.9.9", "http", "localhost")]
    public async Task Forwarded_scheme_and_host_are_believed_only_from_the_configured_proxies(string remote, string scheme, string host)
    {
        var seen = await factory.Server.SendAsync(context =>
        {
            context.Request.Path = "/healthz";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            context.Request.Headers["X-Forwarded-Proto"] = "https";
            context.Request.Headers["X-Forwarded-Host"] = "support.example.com";
        });

        Assert.Equal(scheme, seen.Request.Scheme);
        Assert.Equal(host, seen.Request.Host.Host);
    }
}
