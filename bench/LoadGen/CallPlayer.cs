using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace WebTicketing.Bench.LoadGen;

public sealed record CallerSettings(
    Uri BaseUri,
    string IncomingPath,
    string? StatusCallbackPath,
    string To,
    IReadOnlyList<string> Codes,
    string? WrongCode,
    string RecordingUrlBase,
    string DialCallStatus,
    int MaxSteps);

/// <summary>Case numbers heard in this run, with the maintenance code that opened them (the status scenario needs both).</summary>
public sealed class CasePool
{
    private readonly List<(string Number, string Code)> cases = [];

    public void Add(string number, string code)
    {
        lock (cases)
        {
            cases.Add((number, code));
        }
    }

    public (string Number, string Code)? Pick(Random random)
    {
        lock (cases)
        {
            return cases.Count == 0 ? null : cases[random.Next(cases.Count)];
        }
    }
}

/// <summary>
/// Plays Twilio for one call: posts the incoming call, then reads each TwiML document and does what Twilio would —
/// keys the scenario's digits into a Gather, posts a recording for a Record (and its status callback), follows a
/// Redirect, answers a Dial's action, and sends the final call status when the caller or the document hangs up.
/// </summary>
public sealed partial class CallPlayer(TwilioClient client, CallerSettings settings, ScenarioBook book, CasePool pool, Stats stats)
{
    private const int MaxAnswersPerPrompt = 5;

    public async Task<string> PlayAsync(Scenario scenario, Random random, CancellationToken cancellationToken)
    {
        var call = new Call(random, settings, pool, scenario);
        if (scenario.NeedsCase && call.Case is null)
        {
            return $"{scenario.Name} skipped (no case yet)";
        }
        var url = new Uri(settings.BaseUri, settings.IncomingPath);
        var kind = "incoming";
        var (status, document) = await client.SendAsync(TwilioClient.StepName(kind, url), "POST", url, call.Parameters("ringing"), cancellationToken);
        var promptUses = new Dictionary<string, int>();
        // Goals are judged on everything said in the call (a voicemail offer is heard one document before the hang-up);
        // prompts are recognised within the current document.
        var callHeard = new StringBuilder();
        for (var step = 0; ; step++)
        {
            if (status is < 200 or >= 300)
            {
                stats.Error($"HTTP {status} from {TwilioClient.StepName(kind, url)}");
                await EndAsync(call, cancellationToken);
                return $"{scenario.Name} error";
            }
            if (step >= settings.MaxSteps)
            {
                stats.Error($"{scenario.Name}: more than {settings.MaxSteps} steps");
                await EndAsync(call, cancellationToken);
                return $"{scenario.Name} error";
            }
            IReadOnlyList<TwimlVerb> verbs;
            try
            {
                verbs = TwimlVerb.Parse(document);
            }
            catch (Exception e) when (e is XmlException or FormatException)
            {
                stats.Error($"not TwiML from {TwilioClient.StepName(kind, url)}");
                await EndAsync(call, cancellationToken);
                return $"{scenario.Name} error";
            }

            var heard = new StringBuilder();
            Next? next = null;
                        foreach (var verb in verbs)
            {
                switch (verb.Name)
                {
                    case "Say":
                        heard.Append(verb.Text).Append(' ');
                        break;
                    case "Gather":
                        heard.Append(verb.NestedSay).Append(' ');
                        if (ReachedGoal(scenario, call, callHeard, heard))
                        {
                            await EndAsync(call, cancellationToken);
                            return $"{scenario.Name} ok";
                        }
                        var rule = book.Recognise(verb.NestedSay, heard.ToString());
                        if (rule is not null && (promptUses[rule.Name] = promptUses.GetValueOrDefault(rule.Name) + 1) > MaxAnswersPerPrompt)
                        {
                            stats.Error($"{scenario.Name}: asked '{rule.Name}' more than {MaxAnswersPerPrompt} times");
                            await EndAsync(call, cancellationToken);
                            return $"{scenario.Name} error";
                        }
                        var answer = rule is not null && scenario.Answers.TryGetValue(rule.Name, out var token) ? call.Resolve(token) : null;
                        if (rule is null)
                        {
                            stats.Error($"{scenario.Name}: unrecognised prompt '{Shorten(verb.NestedSay + " " + heard)}'");
                        }
                        if (!string.IsNullOrEmpty(answer) || verb.Attribute("actionOnEmptyResult") == "true")
                        {
                            next = new Next("gather", Action(verb, "action", url), verb.Attribute("method") ?? "POST",
                                [.. call.Parameters("in-progress"), new("Digits", answer ?? "")]);
                        }
                        break;
                    case "Record":
                        heard.Append("<Record> ");
                        next = new Next("record", Action(verb, "action", url), verb.Attribute("method") ?? "POST",
                            [.. call.Parameters("in-progress"), .. call.Recording(), new("Digits", "#")])
                        {
                            RecordingCallback = verb.Attribute("recordingStatusCallback") is { Length: > 0 } callback
                                ? (new Uri(url, callback), verb.Attribute("recordingStatusCallbackMethod") ?? "POST")
                                : null,
                        };
                        break;
                    case "Dial":
                        heard.Append("<Dial> ");
                        if (ReachedGoal(scenario, call, callHeard, heard))
                        {
                            // The agent answered and the call ended there: Twilio posts the Dial action, then the caller is gone.
                            if (verb.Attribute("action") is { Length: > 0 })
                            {
                                var dialUrl = Action(verb, "action", url);
                                await client.SendAsync(TwilioClient.StepName("dial", dialUrl), verb.Attribute("method") ?? "POST", dialUrl,
                                    [.. call.Parameters("completed"), .. call.Dial("completed")], cancellationToken);
                            }
                            await EndAsync(call, cancellationToken);
                            return $"{scenario.Name} ok";
                        }
                        if (verb.Attribute("action") is { Length: > 0 })
                        {
                            next = new Next("dial", Action(verb, "action", url), verb.Attribute("method") ?? "POST",
                                [.. call.Parameters("in-progress"), .. call.Dial(settings.DialCallStatus)]);
                        }
                        break;
                    case "Redirect":
                        next = new Next("redirect", new Uri(url, verb.Text), verb.Attribute("method") ?? "POST", call.Parameters("in-progress"));
                        break;
                    case "Hangup" or "Reject" or "Enqueue" or "Leave":
                        return await HungUpAsync(scenario, call, callHeard, heard, cancellationToken);
                }
                if (next is not null)
                {
                    break;
                }
            }
            if (next is null)
            {
                // Twilio hangs up when a document runs out of verbs.
                return await HungUpAsync(scenario, call, callHeard, heard, cancellationToken);
            }
            callHeard.Append(heard);
            kind = next.Kind;
            url = next.Url;
            (status, document) = await client.SendAsync(TwilioClient.StepName(kind, url), next.Method, url, next.Parameters, cancellationToken);
            if (next.RecordingCallback is var (callbackUrl, callbackMethod))
            {
                // Twilio sends the recording's status once the file is ready, after the Record action.
                await client.SendAsync(TwilioClient.StepName("recording-status", callbackUrl), callbackMethod, callbackUrl,
                    call.RecordingStatus(), cancellationToken);
            }
        }
    }

    private async Task<string> HungUpAsync(Scenario scenario, Call call, StringBuilder callHeard, StringBuilder heard, CancellationToken cancellationToken)
    {
        var reached = ReachedGoal(scenario, call, callHeard, heard);
        await EndAsync(call, cancellationToken);
        if (!reached)
        {
            stats.Error($"{scenario.Name}: call ended before the goal");
        }
        return reached ? $"{scenario.Name} ok" : $"{scenario.Name} ended before goal";
    }

    private bool ReachedGoal(Scenario scenario, Call call, StringBuilder callHeard, StringBuilder heard)
    {
        var text = callHeard.ToString() + heard;
        if (!scenario.Goal.IsMatch(text))
        {
            return false;
        }
        if (scenario.Answers.Values.Contains("{code}") && call.Code is { } code)
        {
            if (FindCaseNumber(text) is { } number)
            {
                pool.Add(number, code);
                stats.CaseOpened(number);
            }
            else
            {
                stats.Error($"{scenario.Name}: goal heard without a valid case number");
            }
        }
        return true;
    }

    private async Task EndAsync(Call call, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.StatusCallbackPath))
        {
            return;
        }
        var url = new Uri(settings.BaseUri, settings.StatusCallbackPath);
        await client.SendAsync(TwilioClient.StepName("call-status", url), "POST", url, call.Completed(), cancellationToken);
    }

    private static Uri Action(TwimlVerb verb, string attribute, Uri current) =>
        verb.Attribute(attribute) is { Length: > 0 } action ? new Uri(current, action) : current;

    /// <summary>A case number as the IVR reads it out: eight digits, maybe grouped or spaced, with a valid Luhn digit.</summary>
    public static string? FindCaseNumber(string text)
    {
        foreach (Match match in SpokenNumber().Matches(text))
        {
            var digits = new string(match.Value.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length == 8 && digits[0] != '0' && LuhnValid(digits))
            {
                return digits;
            }
        }
        return null;
    }

    private static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text.Trim() : text[..60].Trim() + "…";

    [GeneratedRegex(@"(?<![\d])\d(?:[ ,.\-]{0,2}\d){7}(?![ ,.\-]{0,2}\d)")]
    private static partial Regex SpokenNumber();

    private sealed record Next(string Kind, Uri Url, string Method, IReadOnlyList<KeyValuePair<string, string>> Parameters)
    {
        public (Uri Url, string Method)? RecordingCallback { get; init; }
    }

    private sealed class Call
    {
        private readonly Random random;
        private readonly CallerSettings settings;
        private readonly string callSid;
        private readonly string accountSid = "AC" + new string('0', 32);
        private readonly string from;
        private readonly string recordingSid;
        private readonly long startedAt = Environment.TickCount64;
        private int sequence;

        public Call(Random random, CallerSettings settings, CasePool pool, Scenario scenario)
        {
            this.random = random;
            this.settings = settings;
            // Sids unique across runs: the IVR keeps call sessions by CallSid, and a reused one resumes an old call.
            callSid = "CA" + Guid.NewGuid().ToString("N");
            recordingSid = "RE" + Guid.NewGuid().ToString("N");
            // A fresh caller ID per call: the IVR's lookup guard counts failures per number across calls.
            from = "+3491" + random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            Code = settings.Codes.Count > 0 ? settings.Codes[random.Next(settings.Codes.Count)] : null;
            Case = scenario.NeedsCase ? pool.Pick(random) : null;
        }

        public string? Code { get; }
        public (string Number, string Code)? Case { get; }

        public string? Resolve(string token) => token switch
        {
            "{code}" => Code,
            "{wrongcode}" => settings.WrongCode ?? "8" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
            "{case}" => Case?.Number,
            "{casecode}" => Case?.Code,
            "{callback}" => "346" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
            "{severity}" => random.Next(1, 5).ToString(CultureInfo.InvariantCulture),
            _ => token,
        };

        public List<KeyValuePair<string, string>> Parameters(string callStatus) =>
        [
            new("AccountSid", accountSid), new("ApiVersion", "2010-04-01"), new("CallSid", callSid), new("CallStatus", callStatus),
            new("Called", settings.To), new("Caller", from), new("Direction", "inbound"), new("From", from), new("FromCountry", "ES"),
            new("To", settings.To), new("ToCountry", "ES"),
        ];

        public IEnumerable<KeyValuePair<string, string>> Recording() =>
        [
            new("RecordingUrl", $"{settings.RecordingUrlBase.TrimEnd('/')}/{recordingSid}"), new("RecordingSid", recordingSid),
            new("RecordingDuration", "7"),
        ];

        public IReadOnlyList<KeyValuePair<string, string>> RecordingStatus() =>
        [
            new("AccountSid", accountSid), new("CallSid", callSid), new("RecordingSid", recordingSid),
            new("RecordingUrl", $"{settings.RecordingUrlBase.TrimEnd('/')}/{recordingSid}"), new("RecordingStatus", "completed"),
            new("RecordingDuration", "7"), new("RecordingChannels", "1"), new("RecordingSource", "RecordVerb"),
        ];

        public IEnumerable<KeyValuePair<string, string>> Dial(string status) =>
        [
            new("DialCallStatus", status), new("DialCallSid", "CA" + Hex(random, 32)),
            new("DialCallDuration", status == "completed" ? "42" : "0"),
        ];

        public IReadOnlyList<KeyValuePair<string, string>> Completed() =>
        [
            .. Parameters("completed"),
            new("CallDuration", ((Environment.TickCount64 - startedAt) / 1000 + 1).ToString(CultureInfo.InvariantCulture)),
            new("Timestamp", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture)),
            new("SequenceNumber", (sequence++).ToString(CultureInfo.InvariantCulture)), new("CallbackSource", "call-progress-events"),
        ];

        private static string Hex(Random random, int length)
        {
            Span<byte> bytes = stackalloc byte[length / 2];
            random.NextBytes(bytes);
            return Convert.ToHexStringLower(bytes);
        }
    }
}
