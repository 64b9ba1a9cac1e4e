using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Telephony;
using static Microsoft.Playwright.Assertions;

namespace WebTicketing.AgentConsole.Tests.Browser;

public sealed class ConsoleInBrowserTests(BrowserConsole console) : IClassFixture<BrowserConsole>
{
    private ConsoleApp App => console.App;

    [Fact]
    public async Task Customer_sees_only_their_organization_and_gets_not_found_for_another()
    {
        var page = await console.SignInAsync(ConsoleData.AcmeEmail);

        await Expect(page).ToHaveURLAsync($"{console.BaseUrl}/cases");
        await Expect(page.Locator($"tr[data-case='{App.Data.AcmeCase.Number}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-case='{App.Data.GlobexCase.Number}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("a:has-text('Callbacks')")).ToHaveCountAsync(0);
        var foreign = await page.GotoAsync($"/cases/{App.Data.GlobexCase.Number}");
        Assert.Equal(404, foreign!.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Agent_narrows_the_list_to_a_region_and_to_a_site()
    {
        var page = await console.SignInAsync(ConsoleData.SupervisorEmail);
        await page.GotoAsync("/cases?status=all");

        await page.SelectOptionAsync("#scope", "Regional");
        await page.SelectOptionAsync("#region", new SelectOptionValue { Label = "Ciudad de México" });
        await page.ClickAsync("#filters button[type=submit]");

        await Expect(page.Locator($"tr[data-case='{App.Data.GlobexCase.Number}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-case='{App.Data.AcmeCase.Number}']")).ToHaveCountAsync(0);

        await page.SelectOptionAsync("#scope", "Local");
        await page.SelectOptionAsync("#site", new SelectOptionValue { Label = "Acme HQ" });
        await page.ClickAsync("#filters button[type=submit]");

        await Expect(page.Locator($"tr[data-case='{App.Data.AcmeCase.Number}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-case='{App.Data.GlobexCase.Number}']")).ToHaveCountAsync(0);

        await page.FillAsync("#q", "ab");
        await page.ClickAsync("#filters button[type=submit]");
        await Expect(page.Locator("#q-too-short")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Customer_opens_a_case_an_agent_starts_work_and_the_admin_sees_its_SMS_in_the_outbox()
    {
        var customer = await console.SignInAsync(ConsoleData.AcmeEmail);
        await customer.GotoAsync("/cases/new");
        await customer.SelectOptionAsync("#equipment", new SelectOptionValue { Label = "Router 5.0 · ACME-S1" });
        await customer.SelectOptionAsync("#severity", "Critical");
        await customer.FillAsync("#description", "Warehouse switch is down since 8:00");
        await customer.ClickAsync("#new-case button[type=submit]");
        await Expect(customer.Locator("#flash")).ToBeVisibleAsync();
        var number = await customer.Locator("#case-live").GetAttributeAsync("data-case");

        var agent = await console.SignInAsync(ConsoleData.AgentEmail);
        await agent.GotoAsync($"/cases/{number}");
        await agent.SelectOptionAsync("#status-to", "InProgress");
        await agent.ClickAsync("#form-status button[type=submit]");
        await Expect(agent.Locator("#case-status")).ToHaveTextAsync("In progress");
        // The warehouse is in Madrid: its case's times read in Madrid's zone (UTC+1 in winter, UTC+2 in summer).
        await Expect(agent.Locator("dd time").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"UTC\+[12]$"));

        // The workflow queued the customer's SMS with the status change; no job server runs here, so it waits in the outbox.
        var caseId = await App.WithDbAsync(db => db.Cases.Where(c => c.Number == number).Select(c => c.Id).SingleAsync());
        var body = await App.WithDbAsync(db => db.Outbox
            .Where(m => m.CaseId == caseId && m.DedupKey.Contains(":event:")).Select(m => m.Body).SingleAsync());
        var admin = await console.SignInAsync(ConsoleData.AdminEmail);
        await admin.GotoAsync("/admin/outbox");
        await Expect(admin.Locator($"#outbox tr[data-case='{number}']").First).ToBeVisibleAsync();
        await customer.GotoAsync($"/cases/{number}");
        await Expect(customer.Locator("#sms")).ToContainTextAsync(body);
        await Task.WhenAll(customer.Context.CloseAsync(), agent.Context.CloseAsync(), admin.Context.CloseAsync());
    }

    [Fact]
    public async Task A_change_made_elsewhere_reaches_an_open_case_page_and_list_live()
    {
        var watcher = await console.SignInAsync(ConsoleData.AgentEmail);
        await watcher.GotoAsync($"/cases/{App.Data.AcmeCase.Number}");
        await Expect(watcher.Locator("body[data-live=connected]")).ToHaveCountAsync(1);
        var customerList = await console.SignInAsync(ConsoleData.AcmeEmail);
        await Expect(customerList.Locator("body[data-live=connected]")).ToHaveCountAsync(1);

        var other = await console.SignInAsync(ConsoleData.SupervisorEmail);
        await other.GotoAsync($"/cases/{App.Data.AcmeCase.Number}");
        await other.FillAsync("#note-text", "Firmware update scheduled");
        await other.CheckAsync("#note-public");
        await other.ClickAsync("#form-note button[type=submit]");
        await other.SelectOptionAsync("#severity-to", "Critical");
        await other.ClickAsync("#form-severity button[type=submit]");

        await Expect(watcher.Locator("#timeline")).ToContainTextAsync("Firmware update scheduled");
        await Expect(watcher.Locator("#case-severity")).ToContainTextAsync("Critical");
        await Expect(watcher.Locator("#live-notice")).ToBeVisibleAsync();
        await Expect(customerList.Locator($"tr[data-case='{App.Data.AcmeCase.Number}'] .badge")).ToContainTextAsync("Critical");
        await Task.WhenAll(watcher.Context.CloseAsync(), customerList.Context.CloseAsync(), other.Context.CloseAsync());
    }

    [Fact]
    public async Task A_transferred_call_pops_up_for_the_agents_of_the_target_group()
    {
        var agent = await console.SignInAsync(ConsoleData.AgentEmail);
        await agent.GotoAsync("/cases");
        await Expect(agent.Locator("body[data-live=connected]")).ToHaveCountAsync(1);

        // The IVR (another process) records the transfer; the console learns of it from the database.
        await App.WithDbAsync(db =>
        {
            db.TransferredCalls.Add(new TransferredCall
            {
                CallSid = "CA-transfer-1", At = TimeProvider.System.GetUtcNow(), CallerPhone = "+34600000001", CaseId = App.Data.AcmeCase.Id,
                SupportGroupId = App.Data.Network.Id, DialedPhone = "+34910000002",
            });
            return db.SaveChangesAsync();
        });

        var toast = agent.Locator("#toasts .toast");
        await Expect(toast).ToContainTextAsync("+34600000001");
        await Expect(toast).ToContainTextAsync(App.Data.AcmeCase.Number);
        await agent.Context.CloseAsync();
    }
}
