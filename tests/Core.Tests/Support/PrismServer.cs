using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Support;

/// <summary>
/// Prism mocking Twilio's own OpenAPI spec (twilio_api_v2010.json) on a free local port: it validates each request
/// against the spec (401 without Basic auth, 422 without a required field) and answers with the spec's example.
/// Installed by <c>.ci/install</c> into tools/prism; the spec lives beside the repository in shared/twilio-oai.
/// </summary>
public sealed class PrismServer : IAsyncLifetime
{
    private const string SpecFile = "twilio_api_v2010.json";
    private Process? process;

    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var repository = RepositoryFolder.Root;
        var prism = Path.Combine(repository, "tools", "prism", "node_modules", ".bin", "prism");
        if (!File.Exists(prism))
        {
            throw new InvalidOperationException($"Prism is not installed at {prism}: run .ci/install (npm ci in tools/prism).");
        }
        var spec = FindUp(repository, Path.Combine("shared", "twilio-oai", SpecFile)) is { } folder
            ? Path.Combine(folder, "shared", "twilio-oai", SpecFile)
            : throw new InvalidOperationException($"Twilio's OpenAPI spec shared/twilio-oai/{SpecFile} was not found in {repository} or any folder above it (CI puts it at ../shared).");

        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        process = new Process
        {
            StartInfo = new ProcessStartInfo(prism, ["mock", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), spec])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Prism parses the 2 MB spec before it listens (about 5 s here): wait for the port, not for a fixed time.
        var deadline = Stopwatch.StartNew();
        while (!await ListensAsync(port))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                string log;
                lock (output)
                {
                    log = output.ToString();
                }
                throw new InvalidOperationException($"Prism did not start listening on {BaseUrl}:\n{log}");
            }
            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process?.Dispose();
        return Task.CompletedTask;
    }

    private static string? FindUp(string start, string relative)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, relative)))
            {
                return folder.FullName;
            }
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
