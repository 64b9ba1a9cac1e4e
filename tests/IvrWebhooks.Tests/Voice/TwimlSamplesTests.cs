using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.Voice;

public sealed class TwimlSamplesTests
{
    [Fact]
    public void A_changed_prompt_is_shown_as_a_line_diff_with_its_context()
    {
        var expected = "<Response>\n  <Say>Hola</Say>\n  <Say>Pulse 1.</Say>\n  <Hangup></Hangup>\n</Response>";
        var actual = "<Response>\n  <Say>Hola</Say>\n  <Say>Pulse 2.</Say>\n  <Hangup></Hangup>\n</Response>";

        var diff = TwimlSamples.Diff(expected, actual);

        Assert.Equal(
            "     1  <Response>\n     2    <Say>Hola</Say>\n-    3    <Say>Pulse 1.</Say>\n+    3    <Say>Pulse 2.</Say>\n",
            diff.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Every_golden_file_is_a_twiml_response()
    {
        var files = System.IO.Directory.GetFiles(TwimlSamples.Folder, "*.xml");

        Assert.True(files.Length >= 40);
        Assert.All(files, file => Assert.Equal("Response", System.Xml.Linq.XDocument.Load(file).Root!.Name.LocalName));
    }
}
