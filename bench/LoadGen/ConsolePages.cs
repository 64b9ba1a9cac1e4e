using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HdrHistogram;

namespace WebTicketing.Bench.LoadGen;

/// <summary>
/// The console as a browser sees it: signs in through the login form (antiforgery token and cookie included), then
/// times the case list with its filters and scopes, a deep keyset page and the case detail, one request at a time.
/// Parameters (regions, organizations, case numbers, a deep cursor) come from the data tool's --params-out file.
/// </summary>
public static partial class ConsolePages
{
    public static async Task<int> RunAsync(Options options)
    {
        var baseUri = new Uri(options.Require("base"));
        var parameters = File.ReadAllLines(options.Require("params"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var regions = parameters["regions"].Split(',');
        var organizations = parameters["organizations"].Split(',');
        var numbers = parameters["numbers"].Split(',');
        var iterations = options.Int("iterations", 50);

        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var loginPath = options.Get("login-path", "/account/login");
        var form = await http.GetAsync(loginPath);
        if (form.StatusCode != HttpStatusCode.OK)
        {
            Console.Error.WriteLine($"console: {loginPath} answered {(int)form.StatusCode}; no login page, HTTP measurement skipped");
            return 3;
        }
        var token = AntiforgeryToken().Match(await form.Content.ReadAsStringAsync()) is { Success: true } m ? m.Groups[1].Value : "";
        var login = await http.PostAsync(loginPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = parameters["email"],
            ["Input.Password"] = parameters["password"],
            ["__RequestVerificationToken"] = token,
        }));
        if (login.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
        {
            Console.Error.WriteLine($"console: sign-in answered {(int)login.StatusCode}; HTTP measurement skipped");
            return 3;
        }

        var listPath = options.Get("list-path", "/cases");
        var detailPath = options.Get("detail-path", "/cases/{number}");
        var random = new Random(9);
        var pages = new (string Name, Func<string> Path)[]
        {
            ("first page (open cases)", () => listPath),
            ("filtered: severity 1", () => $"{listPath}?severity=1"),
            ("filtered: one organization", () => $"{listPath}?organization={organizations[random.Next(organizations.Length)]}"),
            ("filtered: text search, common word", () => $"{listPath}?q=impresora"),
            ("filtered: text search, rare text", () => $"{listPath}?status=all&q=%23{random.Next(500_000)})"),
            ("dashboard", () => options.Get("dashboard-path", "/")),
            ("deep keyset page", () => $"{listPath}?after={Uri.EscapeDataString(parameters["deep"])}"),
            ("global scope, all statuses", () => $"{listPath}?status=all&all=true"),
            ("regional scope", () => $"{listPath}?scope=Regional&region={regions[random.Next(regions.Length)]}"),
            ("case detail", () => detailPath.Replace("{number}", numbers[random.Next(numbers.Length)], StringComparison.Ordinal)),
        };
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Console pages over HTTP ({options.Get("title", baseUri.ToString())}), signed in as a supervisor").AppendLine();
        md.AppendLine("| page | n | p50 ms | p95 ms | p99 ms | max ms | non-200 |").AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var json = new List<string>();
        foreach (var (name, path) in pages)
        {
            var histogram = new LongHistogram(600_000_000, 3);
            var failures = 0;
            for (var i = -3; i < iterations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path());
                await response.Content.ReadAsByteArrayAsync();
                if (i < 0)
                {
                    continue;
                }
                histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
                failures += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
            }
            double Ms(double p) => histogram.GetValueAtPercentile(p) / 1000.0;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {histogram.TotalCount} | {Ms(50):F1} | {Ms(95):F1} | {Ms(99):F1} | {histogram.GetMaxValue() / 1000.0:F1} | {failures} |");
            json.Add(string.Create(CultureInfo.InvariantCulture, $"\"{name}\": {{\"p50\": {Ms(50):F2}, \"p95\": {Ms(95):F2}, \"failures\": {failures}}}"));
        }
        md.AppendLine();
        Console.Write(md);
        if (options.Get("markdown") is { } mdPath)
        {
            await File.AppendAllTextAsync(mdPath, md.ToString());
        }
        if (options.Get("json") is { } jsonPath)
        {
            await File.WriteAllTextAsync(jsonPath, "{" + string.Join(",\n", json) + "}\n");
        }
        return 0;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
