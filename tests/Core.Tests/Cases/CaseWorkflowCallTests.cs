using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Cases;

/// <summary>What the phone line adds to a case: recordings, transcriptions and call events on the timeline.</summary>
public sealed class CaseWorkflowCallTests : IAsyncLifetime
{
    private CoreTestHost host = null!;
    private Case @case = null!;

    public async Task InitializeAsync()
    {
        host = await CoreTestHost.StartAsync();
        var directory = await host.WithDbAsync(TestDirectory.SeedAsync);
        @case = (await WithWorkflowAsync(w => w.OpenAsync(
            new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Major, "Recorded by phone", Channel.Phone, OpeningKey: "call:CA1"), Actor.Phone))).Case!;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<T> WithWorkflowAsync<T>(Func<CaseWorkflow, Task<T>> work)
    {
        await using var scope = host.Scope();
        return await work(scope.ServiceProvider.GetRequiredService<CaseWorkflow>());
    }

    private Task<List<CaseEvent>> EventsAsync(CaseEventKind kind) =>
        host.WithDbAsync(db => db.CaseEvents.Where(e => e.CaseId == @case.Id && e.Kind == kind).ToListAsync());

    [Fact]
    public async Task Description_recording_becomes_the_cases_recording_once_however_often_it_is_attached()
    {
        await WithWorkflowAsync(w => w.AttachRecordingAsync(@case.Id, "RE1", "RE1.wav", isDescription: true, Actor.Phone));
        await WithWorkflowAsync(w => w.AttachRecordingAsync(@case.Id, "RE1", "RE1.wav", isDescription: true, Actor.Phone));

        var stored = await host.WithDbAsync(db => db.Cases.SingleAsync(c => c.Id == @case.Id));
        Assert.Equal("RE1.wav", stored.RecordingPath);
        Assert.Equal("RE1", stored.RecordingSid);
        Assert.Single(await EventsAsync(CaseEventKind.RecordingAttached));
    }

    [Fact]
    public async Task Voicemail_recording_goes_on_the_timeline_without_replacing_the_description()
    {
        await WithWorkflowAsync(w => w.AttachRecordingAsync(@case.Id, "RE2", "RE2.wav", isDescription: false, Actor.Phone));
        await WithWorkflowAsync(w => w.AttachRecordingAsync(@case.Id, "RE2", "RE2.wav", isDescription: false, Actor.Phone));

        Assert.Null((await host.WithDbAsync(db => db.Cases.SingleAsync(c => c.Id == @case.Id))).RecordingPath);
        Assert.Equal("RE2.wav", Assert.Single(await EventsAsync(CaseEventKind.RecordingAttached)).Text);
    }

    [Fact]
    public async Task Transcription_is_stored_once_with_its_timeline_entry()
    {
        await WithWorkflowAsync(w => w.AttachTranscriptionAsync(@case.Id, " The router reboots. ", Actor.Phone));
        await WithWorkflowAsync(w => w.AttachTranscriptionAsync(@case.Id, "The router reboots.", Actor.Phone));

        Assert.Equal("The router reboots.", (await host.WithDbAsync(db => db.Cases.SingleAsync(c => c.Id == @case.Id))).Transcription);
        Assert.Single(await EventsAsync(CaseEventKind.TranscriptionAttached));
    }

    [Fact]
    public async Task Call_event_is_written_on_the_timeline_and_bumps_the_case_version()
    {
        host.Time.Advance(TimeSpan.FromMinutes(3));

        var change = await WithWorkflowAsync(w => w.RecordCallEventAsync(@case.Id, CaseEventKind.CallTransferred, "tier 1", isPublic: false, Actor.Phone));

        Assert.True(change.Succeeded);
        Assert.Equal(@case.Version + 1, change.Case!.Version);
        Assert.False(Assert.Single(await EventsAsync(CaseEventKind.CallTransferred)).IsPublic);
    }
}
