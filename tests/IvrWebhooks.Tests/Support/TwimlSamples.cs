using System.Text;
using WebTicketing.Testing;

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>
/// Golden TwiML in twiml-samples/: each distinct answer of the IVR, compared byte for byte. A deliberate change is
/// written back with UPDATE_TWIML_SAMPLES=1 and reviewed in the diff of the same commit.
/// </summary>
public static class TwimlSamples
{
    public static readonly string Folder = Path.Combine(RepositoryFolder.Root, "twiml-samples");

    public static void Matches(string name, string actual)
    {
        var path = Path.Combine(Folder, name + ".xml");
        if (Environment.GetEnvironmentVariable("UPDATE_TWIML_SAMPLES") == "1")
        {
            System.IO.Directory.CreateDirectory(Folder);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }
        Assert.True(File.Exists(path), $"No golden file {path}. Run the tests with UPDATE_TWIML_SAMPLES=1 to write it, then review it.\n{actual}");
        var expected = File.ReadAllText(path, Encoding.UTF8);
        if (expected != actual)
        {
            Assert.Fail($"TwiML differs from twiml-samples/{name}.xml (UPDATE_TWIML_SAMPLES=1 rewrites it):\n{Diff(expected, actual)}");
        }
    }

    /// <summary>A line diff around the first difference: enough to see what changed in a prompt.</summary>
    public static string Diff(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');
        var first = 0;
        while (first < left.Length && first < right.Length && left[first] == right[first])
        {
            first++;
        }
        var lastLeft = left.Length - 1;
        var lastRight = right.Length - 1;
        while (lastLeft > first && lastRight > first && left[lastLeft] == right[lastRight])
        {
            lastLeft--;
            lastRight--;
        }
        var diff = new StringBuilder();
        for (var i = Math.Max(0, first - 2); i < first; i++)
        {
            diff.AppendLine($"  {i + 1,4}  {left[i]}");
        }
        for (var i = first; i <= lastLeft && i < left.Length; i++)
        {
            diff.AppendLine($"- {i + 1,4}  {left[i]}");
        }
        for (var i = first; i <= lastRight && i < right.Length; i++)
        {
            diff.AppendLine($"+ {i + 1,4}  {right[i]}");
        }
        return diff.ToString();
    }
}
