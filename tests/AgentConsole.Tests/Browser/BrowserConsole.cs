using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebTicketing.AgentConsole.Tests.Support;

namespace WebTicketing.AgentConsole.Tests.Browser;

/// <summary>
/// The real console on Kestrel at a free loopback port, and Debian's headless chromium driven by Playwright
/// (no browser download: the system binary).
/// </summary>
public sealed class BrowserConsole : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public ConsoleApp App { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? playwright;

    public async Task InitializeAsync()
    {
        App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        await App.SeedAsync();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = addresses.Addresses.Single().TrimEnd('/');
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) signed in as the given login, in the given language.</summary>
    public async Task<IPage> SignInAsync(string email, string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = locale });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", ConsoleData.Password);
        await page.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(page.Locator("#who")).ToBeVisibleAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        playwright?.Dispose();
        App.Dispose();
    }
}
