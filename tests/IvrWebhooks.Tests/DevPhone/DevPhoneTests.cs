using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebTicketing.IvrWebhooks.DevPhone;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.DevPhone;

public sealed class DevPhoneTests : IvrTest
{
    protected override IvrApp CreateApp() => new(environment: "Development", kestrel: true, settings: new()
    {
        // The page signs for the URL it is served from, as with a tunnel-less local run.
        ["Twilio:PublicBaseUrl"] = "",
    });

    [Fact]
    public async Task Dev_phone_is_not_served_in_production()
    {
        await using var production = new IvrApp(environment: "Production");
        using var client = production.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dev/phone/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/dev/phone/sign", JsonContent("{}"))).StatusCode);
    }

    [Fact]
    public async Task Dev_phone_page_and_its_script_are_served_locally_in_development()
    {
        using var client = App.CreateClient();

        var page = await client.GetStringAsync("/dev/phone");
        var script = await client.GetAsync("/dev/phone/phone.js");

        Assert.Contains("<script src=\"/dev/phone/phone.js\"></script>", page);
        Assert.DoesNotContain("https://", page);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Uploaded_recording_is_served_back_only_with_the_accounts_basic_credentials()
    {
        using var client = App.CreateClient();
        using var form = new MultipartFormDataContent();
        var audio = new ByteArrayContent(Encoding.ASCII.GetBytes("webm audio"));
        audio.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/webm");
        form.Add(audio, "audio", "recording");

        var uploaded = await (await client.PostAsync("/dev/phone/recordings", form)).Content.ReadFromJsonAsync<Uploaded>();
        var path = new Uri(uploaded!.RecordingUrl).AbsolutePath + ".wav";
        var anonymous = await client.GetAsync(path);
        using var authorized = new HttpRequestMessage(HttpMethod.Get, path);
        authorized.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"local:{IvrApp.AuthToken}")));
        var served = await client.SendAsync(authorized);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("webm audio", await served.Content.ReadAsStringAsync());
        Assert.Equal("audio/webm", served.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Demo_customer_is_added_only_to_an_empty_directory()
    {
        using var client = App.CreateClient();

        var response = await client.PostAsync("/dev/phone/demo", null);

        Assert.Contains("\"added\":false", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Newcomer_opens_a_case_by_phone_in_the_browser()
    {
        App.StartServer();
        var baseUrl = App.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
        var page = await browser.NewPageAsync();
        var transcript = page.Locator("#transcript");

        await page.GotoAsync(baseUrl + "/dev/phone/");
        await page.Locator("#speak").UncheckAsync();
        await page.Locator($"#from option[value='{VoiceDirectory.AnaPhone}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator("#from").SelectOptionAsync(VoiceDirectory.AnaPhone);
        await page.Locator("#call").ClickAsync();
        await Keys(page, transcript, "Para abrir un caso", "1");
        await Keys(page, transcript, "código de mantenimiento", VoiceDirectory.AcmeCode + "#");
        await Keys(page, transcript, "Si es correcto, pulse 1", "1");
        await Keys(page, transcript, "Pulse 4 si es una consulta", "2");
        await Assertions.Expect(transcript).ToContainTextAsync("describa el problema");
        await page.Locator("#typed").FillAsync("El router se reinicia cada hora");
        await page.GetByText("Send typed text").ClickAsync();

        await Assertions.Expect(transcript).ToContainTextAsync("Hemos abierto el caso número");
        var @case = await App.WithDbAsync(db => db.Cases.OrderBy(c => c.Id).LastAsync());
        Assert.Equal("El router se reinicia cada hora", @case.Description);
        Assert.Equal(Core.Cases.Channel.Phone, @case.Channel);
        await page.Locator("#hangup").ClickAsync();
        await Assertions.Expect(transcript).ToContainTextAsync("(call ended)");
    }

    private static async Task Keys(IPage page, ILocator transcript, string prompt, string keys)
    {
        await Assertions.Expect(transcript).ToContainTextAsync(prompt);
        foreach (var key in keys)
        {
            await page.Locator("#keypad button", new() { HasTextString = key.ToString() }).ClickAsync();
        }
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    private sealed record Uploaded(string RecordingSid, string RecordingUrl);
}
