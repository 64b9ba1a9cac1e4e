using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebTicketing.Testing;

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>
/// The built IvrWebhooks app in a process of its own on a loopback port, configured like <see cref="IvrApp"/> and
/// pointed at a test database: nothing in memory is shared with the test or with another instance.
/// </summary>
public sealed class IvrProcess : IWebhookTarget, IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient client;

    private IvrProcess(Process process, HttpClient client)
    {
        this.process = process;
        this.client = client;
    }

    public static async Task<IvrProcess> StartAsync(TestDatabase database)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["environment"] = "Testing",
            ["Jobs:RunServer"] = "false",
            ["Directory:SeedDemo"] = "false",
            ["Twilio:AuthToken"] = IvrApp.AuthToken,
            ["Twilio:PublicBaseUrl"] = IvrApp.PublicBaseUrl,
            ["Twilio:PhoneNumber"] = "+34900000000",
        };
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        // Unread pipes fill up and stall the app's logging.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new IvrProcess(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        await started.WaitUntilHealthyAsync();
        return started;
    }

    public Task<HttpResponseMessage> PostAsync(string pathAndQuery, IDictionary<string, string> form, string? idempotencyToken = null, string? signature = null) =>
        TwilioRequests.PostSignedAsync(client, pathAndQuery, form, idempotencyToken, signature);

    private async Task WaitUntilHealthyAsync()
    {
        // Start-up (migrations included) on real time; bounded so a process that cannot start fails the test.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            Assert.False(process.HasExited, $"IvrWebhooks exited with {(process.HasExited ? process.ExitCode : 0)} before answering /healthz");
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(DateTime.UtcNow < deadline, "IvrWebhooks did not answer /healthz within 90 s");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
