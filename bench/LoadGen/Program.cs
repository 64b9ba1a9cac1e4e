using System.Globalization;
using System.Text;
using System.Text.Json;
using WebTicketing.Bench.LoadGen;

// Plays Twilio against a running IvrWebhooks (and, for the console, a browser against AgentConsole). Commands:
//   ivr       complete calls following the TwiML, N concurrent callers for a duration; per-step latency table
//   emit-wrk  plays calls once and writes their signed requests as a Lua table for wrk's step-replay script
//   sign      prints X-Twilio-Signature for a URL and form body (the signed baseline's wrk script uses it)
//   console   logs in to AgentConsole and times the case list and case detail pages
//   targets   the issue's targets next to this run's numbers (reads the JSON the other steps wrote)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: loadgen ivr|emit-wrk|sign|console|targets --option value …  (see bench/README.md)");
    return 2;
}
TwilioSignature.SelfCheck();
var options = new Options(args.Skip(1));
return args[0] switch
{
    "ivr" => await RunIvrAsync(options),
    "emit-wrk" => await EmitWrkAsync(options),
    "sign" => Sign(options),
    "console" => await ConsolePages.RunAsync(options),
    "targets" => await Targets.RunAsync(options),
    _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
};

static async Task<int> RunIvrAsync(Options options)
{
    var concurrency = options.Int("concurrency", 8);
    var duration = TimeSpan.FromSeconds(options.Double("duration", 30));
    var warmup = TimeSpan.FromSeconds(options.Double("warmup", 5));
    var stats = new Stats();
    using var http = Http(concurrency);
    var (player, book) = Player(options, http, stats, capture: null);
    var server = ServerProcess.Find(options.Get("server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
        new Uri(options.Require("base")).Port);

    using var stop = new CancellationTokenSource();
    var deadline = DateTime.UtcNow + warmup + duration;
    var sampler = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            server?.Sample();
            try
            {
                await Task.Delay(250, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    });
    var started = DateTime.UtcNow;
    var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
    {
        var random = new Random(options.Int("seed", 1) * 1000 + i);
        while (DateTime.UtcNow < deadline)
        {
            var scenario = book.Pick(random);
            var outcome = await player.PlayAsync(scenario, random, CancellationToken.None);
            if (outcome.EndsWith("(no case yet)", StringComparison.Ordinal) && book.Named("open") is { } open)
            {
                outcome = await player.PlayAsync(open, random, CancellationToken.None);
            }
            stats.CallEnded(outcome);
        }
    })).ToList();
    await Task.Delay(warmup);
    stats.Start();
    var cpuBefore = server?.CpuTime();
    var measuredFrom = DateTime.UtcNow;
    await Task.Delay(deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
    stats.Stop();
    var serverCpu = server?.CpuTime() - cpuBefore;
    var elapsed = DateTime.UtcNow - measuredFrom;
    await Task.WhenAll(workers);
    await stop.CancelAsync();
    await sampler;

    var report = stats.Summarise(elapsed);
    var extra = new List<(string, string)> { ("concurrent callers", concurrency.ToString(CultureInfo.InvariantCulture)) };
    if (server is not null)
    {
        if (serverCpu is { } cpu && report.Total.Count > 0)
        {
            extra.Add(("server CPU per request", string.Create(CultureInfo.InvariantCulture,
                $"{cpu.TotalMilliseconds / report.Total.Count:F2} ms ({cpu.TotalSeconds:F1} s CPU over {report.Total.Count} requests; includes its job server)")));
        }
        extra.Add(("server peak RSS (VmHWM, since start)", $"{server.PeakRssMb():F0} MB (pid {server.Pid}); max sampled RSS during the run {server.MaxSampledRssMb:F0} MB"));
    }
    var markdown = report.ToMarkdown(options.Get("title", $"IVR calls, {concurrency} concurrent callers"), extra);
    Console.Write(markdown);
    if (options.Get("markdown") is { } mdPath)
    {
        await File.AppendAllTextAsync(mdPath, markdown);
    }
    if (options.Get("json") is { } jsonPath)
    {
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new
        {
            report.Total, report.Steps, report.Errors, report.Calls, report.CasesOpened, report.CasesPerSecond,
            PeakRssMb = server?.PeakRssMb(), MaxSampledRssMb = server?.MaxSampledRssMb, Concurrency = concurrency,
            ServerCpuMsPerRequest = serverCpu is { } c && report.Total.Count > 0 ? c.TotalMilliseconds / report.Total.Count : (double?)null,
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
    var total = report.Total.Count;
    return total > 0 && report.Calls.Keys.Any(k => k.EndsWith(" ok", StringComparison.Ordinal)) ? 0 : 1;
}

static async Task<int> EmitWrkAsync(Options options)
{
    var captured = new List<(int Call, int Position, CapturedRequest Request)>();
    var call = 0;
    var position = 0;
    var stats = new Stats();
    stats.Start();
    using var http = Http(1);
    var (player, book) = Player(options, http, stats, r => captured.Add((call, position++, r)));
    var random = new Random(options.Int("seed", 7));
    var calls = options.Int("calls", 100);
    var kinds = options.List("steps");
    for (var i = 0; i < calls; i++, call++, position = 0)
    {
        stats.CallEnded(await player.PlayAsync(book.Pick(random), random, CancellationToken.None) is var o && o.EndsWith("(no case yet)", StringComparison.Ordinal)
            ? await player.PlayAsync(book.Named("open") ?? book.Scenarios[0], random, CancellationToken.None)
            : o);
    }
    // Step-major order (every call's first step, then every call's second…): neighbouring requests, which wrk's
    // connections send at the same moment, belong to different calls, as they would from Twilio.
    var replay = captured.Where(r => kinds.Count == 0 || kinds.Contains(r.Request.Step.Split(' ')[0]))
        .OrderBy(r => r.Position).ThenBy(r => r.Call).Select(r => r.Request).ToList();
    var lua = new StringBuilder("-- generated by loadgen emit-wrk: signed requests of complete calls, in call order\nreturn {\n");
    foreach (var r in replay)
    {
        lua.Append(CultureInfo.InvariantCulture, $"{{m={Lua(r.Method)},p={Lua(r.PathAndQuery)},b={Lua(r.Body)},s={Lua(r.Signature)},k={Lua(r.Step)}}},\n");
    }
    lua.Append("}\n");
    await File.WriteAllTextAsync(options.Require("out"), lua.ToString());
    var report = stats.Summarise(TimeSpan.FromSeconds(1));
    Console.WriteLine($"emit-wrk: {replay.Count} requests from {calls} calls ({string.Join(", ", report.Calls.Select(kv => $"{kv.Key} {kv.Value}"))}); errors {stats.ErrorCount}");
    foreach (var (what, count) in report.Errors)
    {
        Console.WriteLine($"  error: {what} ×{count}");
    }
    return replay.Count > 0 ? 0 : 1;
}

static int Sign(Options options)
{
    var form = options.Get("form", "");
    var parameters = form.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p.ElementAtOrDefault(1) ?? "")));
    Console.WriteLine(new TwilioSignature(options.Require("token")).Sign(options.Require("url"), parameters));
    return 0;
}

static HttpClient Http(int connections) => new(new SocketsHttpHandler
{
    MaxConnectionsPerServer = Math.Max(1, connections),
    UseCookies = false,
    AllowAutoRedirect = false,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
})
{
    Timeout = TimeSpan.FromSeconds(30),
};

static (CallPlayer, ScenarioBook) Player(Options options, HttpClient http, Stats stats, Action<CapturedRequest>? capture)
{
    var recordings = options.Get("serve-recordings") is { } port ? new RecordingServer(int.Parse(port, CultureInfo.InvariantCulture)) : null;
    var baseUri = new Uri(options.Require("base"));
    var codes = options.List("codes").ToList();
    if (options.Get("codes-file") is { } codesFile)
    {
        codes.AddRange(File.ReadAllLines(codesFile).Select(l => l.Trim()).Where(l => l.Length > 0));
    }
    var book = ScenarioBook.Load(options.Get("scenario-file", Path.Combine(AppContext.BaseDirectory, "scenarios.json")), options.List("scenarios"));
    var settings = new CallerSettings(
        baseUri,
        options.Get("incoming", "/twilio/voice/incoming"),
        options.Get("status-callback", "/twilio/voice/status") is { Length: > 0 } s && s != "none" ? s : null,
        options.Get("to", "+34910000000"),
        codes,
        options.Get("wrong-code"),
        options.Get("recording-url-base", recordings?.BaseUrl ?? "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Recordings"),
        options.Get("dial-status", "completed"),
        options.Int("max-steps", 40));
    var client = new TwilioClient(http, new TwilioSignature(options.Require("token")), stats, capture, options.Flag("trace") ? Console.Error : null);
    return (new CallPlayer(client, settings, book, new CasePool(), stats), book);
}

static string Lua(string value) =>
    "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
