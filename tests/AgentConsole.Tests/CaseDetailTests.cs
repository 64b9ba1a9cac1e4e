using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Notifications;

namespace WebTicketing.AgentConsole.Tests;

/// <summary>Workflow actions through the case page's forms. Each test opens its own case, so they share one app.</summary>
public sealed class CaseDetailTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    private async Task<Case> OpenAcmeCaseAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var workflow = scope.ServiceProvider.GetRequiredService<CaseWorkflow>();
        var result = await workflow.OpenAsync(new OpenCaseRequest(app.Data.AcmeRouter.Id, Severity.Minor, "Port 3 flaps", Channel.Web, app.Data.Ana.Id), Actor.Phone);
        return result.Case!;
    }

    private Task<Case> ReloadAsync(int id) => app.WithDbAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Id == id));

    private static string V(Case c) => c.Version.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Agent_changes_the_status_and_the_timeline_shows_it()
    {
        var @case = await OpenAcmeCaseAsync();
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        var url = $"/cases/{@case.Number}";

        var response = await agent.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.Status"] = "InProgress" }, "Status");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(url, response.Headers.Location!.OriginalString);
        Assert.Equal(CaseStatus.InProgress, (await ReloadAsync(@case.Id)).Status);
        Assert.Contains("New → InProgress", WebUtility.HtmlDecode(await agent.GetStringAsync(url)));
    }

    [Fact]
    public async Task A_stale_edit_shows_the_conflict_with_the_current_state()
    {
        var @case = await OpenAcmeCaseAsync();
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        using var supervisor = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var url = $"/cases/{@case.Number}";
        await supervisor.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.Severity"] = "Critical" }, "Severity");

        var response = await agent.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.Text"] = "my stale note" }, "Note");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"problem\"", html);
        Assert.Contains("class=\"badge sev-1\" id=\"case-severity\"", html);
        Assert.Contains("my stale note", html);
        Assert.DoesNotContain(await app.WithDbAsync(db => db.CaseEvents.Where(e => e.CaseId == @case.Id).Select(e => e.Text).ToListAsync()), t => t == "my stale note");
    }

    [Fact]
    public async Task Customer_never_sees_internal_notes_but_sees_public_ones()
    {
        var @case = await OpenAcmeCaseAsync();
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);
        var url = $"/cases/{@case.Number}";
        await agent.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.Text"] = "customer is difficult" }, "Note");
        await agent.PostFormAsync(url, new() { ["Input.Version"] = V(await ReloadAsync(@case.Id)), ["Input.Text"] = "we are on it", ["Input.IsPublic"] = "true" }, "Note");

        var html = await customer.GetStringAsync(url);

        Assert.Contains("we are on it", html);
        Assert.DoesNotContain("customer is difficult", html);
        Assert.Contains("customer is difficult", await agent.GetStringAsync(url));
    }

    [Fact]
    public async Task Agent_escalates_with_a_reason_assigns_and_resolves()
    {
        var @case = await OpenAcmeCaseAsync();
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        var url = $"/cases/{@case.Number}";

        await agent.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.AgentId"] = app.Data.Carmen.Id.ToString(CultureInfo.InvariantCulture) }, "Assign");
        await agent.PostFormAsync(url, new() { ["Input.Version"] = V(await ReloadAsync(@case.Id)), ["Input.Text"] = "needs firmware expert" }, "Escalate");
        await agent.PostFormAsync(url, new() { ["Input.Version"] = V(await ReloadAsync(@case.Id)), ["Input.Text"] = "firmware 5.3" }, "Resolve");

        var after = await ReloadAsync(@case.Id);
        Assert.Equal(2, after.Tier);
        Assert.Null(after.AssigneeId);
        Assert.Equal(CaseStatus.Resolved, after.Status);
        Assert.Contains("needs firmware expert", await agent.GetStringAsync(url));
    }

    [Fact]
    public async Task Escalating_without_a_reason_is_refused_and_says_why()
    {
        var @case = await OpenAcmeCaseAsync();
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);

        var response = await agent.PostFormAsync($"/cases/{@case.Number}", new() { ["Input.Version"] = V(@case), ["Input.Text"] = " " }, "Escalate");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(1, (await ReloadAsync(@case.Id)).Tier);
    }

    [Fact]
    public async Task Customer_comments_confirms_a_resolution_or_reopens()
    {
        var first = await OpenAcmeCaseAsync();
        var second = await OpenAcmeCaseAsync();
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);
        foreach (var c in new[] { first, second })
        {
            await agent.PostFormAsync($"/cases/{c.Number}", new() { ["Input.Version"] = V(c), ["Input.Text"] = "reset" }, "Resolve");
        }

        await customer.PostFormAsync($"/cases/{first.Number}", new() { ["Input.Version"] = V(await ReloadAsync(first.Id)) }, "Close");
        await customer.PostFormAsync($"/cases/{second.Number}", new() { ["Input.Version"] = V(await ReloadAsync(second.Id)), ["Input.Text"] = "still broken" }, "Reopen");
        var comment = await customer.PostFormAsync($"/cases/{second.Number}", new() { ["Input.Version"] = V(await ReloadAsync(second.Id)), ["Input.Text"] = "it fails at night" }, "Comment");

        Assert.Equal(HttpStatusCode.Redirect, comment.StatusCode);
        Assert.Equal(CaseStatus.Closed, (await ReloadAsync(first.Id)).Status);
        Assert.Equal(CaseStatus.InProgress, (await ReloadAsync(second.Id)).Status);
        Assert.Contains("it fails at night", await agent.GetStringAsync($"/cases/{second.Number}"));
    }

    [Fact]
    public async Task Customer_changes_the_contact_to_another_of_their_organization_only()
    {
        var @case = await OpenAcmeCaseAsync();
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);
        var url = $"/cases/{@case.Number}";

        var foreign = await customer.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.ContactId"] = app.Data.Bob.Id.ToString(CultureInfo.InvariantCulture) }, "Contact");
        var own = await customer.PostFormAsync(url, new() { ["Input.Version"] = V(@case), ["Input.ContactId"] = app.Data.Ana.Id.ToString(CultureInfo.InvariantCulture), ["Input.CallbackPhone"] = "+34600000099" }, "Contact");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Equal("+34600000099", (await ReloadAsync(@case.Id)).CallbackPhone);
    }

    [Fact]
    public async Task Case_page_shows_the_SMS_sent_with_their_delivery_state_and_plays_the_recording()
    {
        var @case = await OpenAcmeCaseAsync();
        var recordings = Path.Combine(app.Root, "recordings", "2026");
        System.IO.Directory.CreateDirectory(recordings);
        await File.WriteAllBytesAsync(Path.Combine(recordings, "RE1.mp3"), [0xFF, 0xFB, 0x90, 0x00, 1, 2, 3]);
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Cases.SingleAsync(c => c.Id == @case.Id);
            tracked.RecordingPath = "2026/RE1.mp3";
            tracked.Transcription = "the router is dead";
            db.Outbox.Add(new OutboxMessage { DedupKey = $"test:{@case.Id}:delivered", CaseId = @case.Id, To = "+34600000001", Body = $"Case {@case.Number} opened", Status = OutboxStatus.Delivered });
            return await db.SaveChangesAsync();
        });
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);
        using var stranger = await app.SignedInAsync(ConsoleData.GlobexEmail);

        var html = await customer.GetStringAsync($"/cases/{@case.Number}");
        var audio = await customer.GetAsync($"/cases/{@case.Number}/recording");

        Assert.Contains($"Case {@case.Number} opened", html);
        Assert.Contains("bg-success", html);
        Assert.Contains("the router is dead", html);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/mpeg", audio.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/cases/{@case.Number}/recording")).StatusCode);
    }
}
