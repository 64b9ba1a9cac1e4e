using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebTicketing.Bench.LoadGen;

public sealed record AnswerRule(string Name, Regex Pattern);

public sealed record Scenario(string Name, int Weight, bool NeedsCase, IReadOnlyDictionary<string, string> Answers, Regex Goal);

/// <summary>
/// The caller's script, kept as data (scenarios.json) so a change of prompts or menu order in the IVR needs an edited
/// file, not a rebuilt load generator: rules recognise a prompt, scenarios say what to key in at it.
/// </summary>
public sealed class ScenarioBook
{
    private readonly Scenario[] weighted;

    private ScenarioBook(IReadOnlyList<AnswerRule> rules, IReadOnlyList<Scenario> scenarios)
    {
        Rules = rules;
        Scenarios = scenarios;
        weighted = scenarios.SelectMany(s => Enumerable.Repeat(s, s.Weight)).ToArray();
    }

    public IReadOnlyList<AnswerRule> Rules { get; }
    public IReadOnlyList<Scenario> Scenarios { get; }

    public Scenario Pick(Random random) => weighted[random.Next(weighted.Length)];

    public Scenario? Named(string name) => Scenarios.FirstOrDefault(s => s.Name == name);

    /// <summary>The rule that recognises this Gather: its own prompt decides first, then everything said before it.</summary>
    public AnswerRule? Recognise(string gatherPrompt, string documentPrompts) =>
        Rules.FirstOrDefault(r => r.Pattern.IsMatch(gatherPrompt)) ?? Rules.FirstOrDefault(r => r.Pattern.IsMatch(documentPrompts));

    public static ScenarioBook Load(string path, IReadOnlyCollection<string> only)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        const RegexOptions flags = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;
        var rules = json.RootElement.GetProperty("rules").EnumerateArray()
            .Select(r => new AnswerRule(r.GetProperty("name").GetString()!, new Regex(r.GetProperty("pattern").GetString()!, flags)))
            .ToList();
        var scenarios = new List<Scenario>();
        foreach (var s in json.RootElement.GetProperty("scenarios").EnumerateObject())
        {
            if (only.Count > 0 && !only.Contains(s.Name))
            {
                continue;
            }
            var weight = s.Value.TryGetProperty("weight", out var w) ? w.GetInt32() : 1;
            var needsCase = s.Value.TryGetProperty("needsCase", out var n) && n.GetBoolean();
            var answers = s.Value.GetProperty("answers").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString() ?? "");
            scenarios.Add(new Scenario(s.Name, weight, needsCase, answers, new Regex(s.Value.GetProperty("goal").GetString()!, flags)));
        }
        if (scenarios.Count == 0)
        {
            throw new ArgumentException("No scenario selected.");
        }
        return new ScenarioBook(rules, scenarios);
    }
}
