using System.Xml.Linq;

namespace WebTicketing.Bench.LoadGen;

/// <summary>One verb of a TwiML document, with the attributes the simulated caller acts on.</summary>
public sealed record TwimlVerb(string Name, IReadOnlyDictionary<string, string> Attributes, string Text, string NestedSay)
{
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : null;

    public static IReadOnlyList<TwimlVerb> Parse(string document)
    {
        var root = XDocument.Parse(document).Root;
        if (root is null || root.Name.LocalName != "Response")
        {
            throw new FormatException("The document is not a TwiML <Response>.");
        }
        return root.Elements().Select(e => new TwimlVerb(
            e.Name.LocalName,
            e.Attributes().ToDictionary(a => a.Name.LocalName, a => a.Value, StringComparer.OrdinalIgnoreCase),
            e.HasElements ? "" : e.Value.Trim(),
            string.Join(" ", e.Descendants().Where(d => d.Name.LocalName == "Say").Select(d => d.Value.Trim()))))
            .ToList();
    }
}
