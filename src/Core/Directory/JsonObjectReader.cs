using System.Globalization;
using System.Text.Json;

namespace WebTicketing.Core.Directory;

/// <summary>One thing wrong with a directory file, at its JSON path (<c>$.organizations[1].sites[0].region</c>).</summary>
public sealed record DirectoryProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Reads one JSON object of the directory file, reporting unknown, missing and mistyped properties instead of throwing,
/// so that a rejected file lists every problem at once rather than the first one the serializer meets.
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement element;
    private readonly List<DirectoryProblem> problems;

    private JsonObjectReader(JsonElement element, string path, List<DirectoryProblem> problems)
    {
        this.element = element;
        Path = path;
        this.problems = problems;
    }

    public string Path { get; }

    public static JsonObjectReader? Open(JsonElement element, string path, List<DirectoryProblem> problems, params string[] properties)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, $"expected an object, found {Describe(element)}"));
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!properties.Contains(property.Name, StringComparer.Ordinal))
                problems.Add(new($"{path}.{property.Name}", $"unknown property (expected one of: {string.Join(", ", properties)})"));
            else if (!seen.Add(property.Name))
                problems.Add(new($"{path}.{property.Name}", "appears twice"));
        }
        return new JsonObjectReader(element, path, problems);
    }

    public string At(string name) => $"{Path}.{name}";

    public void Problem(string name, string message) => problems.Add(new(At(name), message));

    public JsonElement? Value(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A trimmed string; null (after reporting it when required) when missing, empty or not a string.</summary>
    public string? String(string name, bool required = true, bool trim = true)
    {
        if (Value(name) is not { } value)
        {
            if (required) Problem(name, "required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Problem(name, $"expected a string, found {Describe(value)}");
            return null;
        }
        var text = trim ? value.GetString()!.Trim() : value.GetString()!;
        if (text.Length == 0)
        {
            if (required) Problem(name, "must not be empty");
            return null;
        }
        return text;
    }

    public bool Bool(string name)
    {
        if (Value(name) is not { } value) return false;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Problem(name, $"expected true or false, found {Describe(value)}");
        return false;
    }

    public int? Int(string name)
    {
        if (Value(name) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        Problem(name, $"expected a whole number, found {Describe(value)}");
        return null;
    }

    public DateOnly? Date(string name, bool required = true)
    {
        var text = String(name, required);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        Problem(name, $"'{text}' is not a yyyy-MM-dd date");
        return null;
    }

    /// <summary>One of a fixed set of words, case-insensitive; null when missing (after reporting it when required) or unknown.</summary>
    public TEnum? Choice<TEnum>(string name, string what, bool required = true) where TEnum : struct, Enum
    {
        var text = String(name, required);
        if (text is null) return null;
        var names = Enum.GetNames<TEnum>();
        var match = names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return Enum.Parse<TEnum>(match);
        Problem(name, $"unknown {what} '{text}' (expected {string.Join(" or ", names.Select(n => n.ToLowerInvariant()))})");
        return null;
    }

    /// <summary>The items of an array property with their paths; a missing property is an empty array.</summary>
    public IEnumerable<(JsonElement Item, string Path)> Array(string name)
    {
        if (Value(name) is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            Problem(name, $"expected an array, found {Describe(value)}");
            return [];
        }
        return value.EnumerateArray().Select((item, i) => (item, $"{At(name)}[{i}]")).ToList();
    }

    public string? StringItem(JsonElement item, string path)
    {
        if (item.ValueKind == JsonValueKind.String) return item.GetString()!.Trim();
        problems.Add(new(path, $"expected a string, found {Describe(item)}"));
        return null;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };
}
