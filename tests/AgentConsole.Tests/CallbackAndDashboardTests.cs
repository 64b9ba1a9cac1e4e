using System.Net;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Telephony;

namespace WebTicketing.AgentConsole.Tests;

public sealed class CallbackAndDashboardTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    private async Task<CallbackTask> AbandonedCallAsync(string sid, string? recording = null)
    {
        var task = new CallbackTask
        {
            CallSid = sid, Reason = CallbackReason.Abandoned, CallerPhone = "+34600000001", Language = Language.Es,
            MaintenanceCode = "111111", EquipmentId = app.Data.AcmeRouter.Id, OrganizationId = app.Data.Acme.Id, ContactId = app.Data.Ana.Id,
            Severity = Severity.Major, RecordingPath = recording, RecordingSid = recording is null ? null : "RE-" + sid,
            Transcription = recording is null ? null : "el router no arranca", LastStep = "record",
        };
        await app.WithDbAsync(db =>
        {
            db.CallbackTasks.Add(task);
            return db.SaveChangesAsync();
        });
        return task;
    }

    [Fact]
    public async Task Turning_a_callback_task_into_a_case_keeps_its_recording_and_closes_the_task()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(app.Root, "recordings"));
        await File.WriteAllBytesAsync(Path.Combine(app.Root, "recordings", "CA-cb-1.mp3"), [0xFF, 0xFB, 0x90, 0x00]);
        var task = await AbandonedCallAsync("CA-cb-1", "CA-cb-1.mp3");
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);

        var response = await agent.PostFormAsync("/callbacks", new()
        {
            ["Input.TaskId"] = task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.EquipmentId"] = app.Data.AcmeRouter.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Severity"] = "Major",
        }, "Case");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var closed = await app.WithDbAsync(db => db.CallbackTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.NotNull(closed.ClosedAt);
        var @case = await app.WithDbAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Id == closed.CaseId));
        Assert.Equal("CA-cb-1.mp3", @case.RecordingPath);
        Assert.Equal("RE-CA-cb-1", @case.RecordingSid);
        Assert.Equal("el router no arranca", @case.Transcription);
        Assert.Equal(app.Data.Ana.Id, @case.ContactId);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/cases/{@case.Number}/recording")).StatusCode);
        Assert.DoesNotContain("CA-cb-1", await agent.GetStringAsync("/callbacks"));
    }

    [Fact]
    public async Task An_agent_takes_a_task_once_and_closes_it_with_an_outcome()
    {
        var task = await AbandonedCallAsync("CA-cb-2");
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        using var supervisor = await app.SignedInAsync(ConsoleData.SupervisorEmail);
        var id = task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await agent.PostFormAsync("/callbacks", new() { ["Input.TaskId"] = id }, "Take");
        await supervisor.PostFormAsync("/callbacks", new() { ["Input.TaskId"] = id }, "Take");
        var takenBy = await app.WithDbAsync(db => db.CallbackTasks.Where(t => t.Id == task.Id).Select(t => t.TakenByAgentId).SingleAsync());
        await agent.PostFormAsync("/callbacks", new() { ["Input.TaskId"] = id, ["Input.Outcome"] = "no answer, voicemail left" }, "Close");

        Assert.Equal(app.Data.Carmen.Id, takenBy);
        var closed = await app.WithDbAsync(db => db.CallbackTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.Equal("no answer, voicemail left", closed.Outcome);
        Assert.NotNull(closed.ClosedAt);
    }

    [Fact]
    public async Task Customer_cannot_hear_a_callback_recording()
    {
        var task = await AbandonedCallAsync("CA-cb-3", "CA-cb-3.mp3");
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var response = await customer.GetAsync($"/callbacks/{task.Id}/recording");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_counts_open_cases_and_lists_breaches_and_cases_at_risk()
    {
        var now = TimeProvider.System.GetUtcNow();
        await app.WithDbAsync(async db =>
        {
            var acme = await db.Cases.SingleAsync(c => c.Id == app.Data.AcmeCase.Id);
            acme.Sla.FirstTargetDueAt = now.AddMinutes(30);
            acme.Sla.NextDueAt = acme.Sla.FirstTargetDueAt;
            var globex = await db.Cases.SingleAsync(c => c.Id == app.Data.GlobexCase.Id);
            globex.Sla.FirstTargetDueAt = now.AddHours(-1);
            globex.Sla.FirstTargetBreached = true;
            globex.Sla.NextDueAt = globex.Sla.FirstTargetDueAt;
            return await db.SaveChangesAsync();
        });
        var open = await app.WithDbAsync(db => db.Cases.CountAsync(c => c.Status != CaseStatus.Resolved && c.Status != CaseStatus.Closed));
        using var supervisor = await app.SignedInAsync(ConsoleData.SupervisorEmail);

        var html = await supervisor.GetStringAsync("/");

        Assert.Contains($"id=\"open-count\">{open}<", html);
        Assert.Contains("<svg class=\"chart", html);
        var risk = html[html.IndexOf("id=\"risk-list\"", StringComparison.Ordinal)..html.IndexOf("id=\"breach-list\"", StringComparison.Ordinal)];
        var breaches = html[html.IndexOf("id=\"breach-list\"", StringComparison.Ordinal)..];
        Assert.Contains(app.Data.AcmeCase.Number, risk);
        Assert.Contains(app.Data.GlobexCase.Number, breaches);
        Assert.DoesNotContain(app.Data.GlobexCase.Number, risk);
    }
}
