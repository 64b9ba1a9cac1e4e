using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Telephony;

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>A fresh app and directory per test, so case numbers (and so the golden TwiML) do not depend on test order.</summary>
public abstract class IvrTest : IAsyncLifetime
{
    protected IvrApp App { get; set; } = null!;
    protected VoiceDirectory Directory { get; private set; } = null!;

    protected virtual IvrApp CreateApp() => new();

    public async Task InitializeAsync()
    {
        App = CreateApp();
        Directory = await VoiceDirectory.SeedAsync(App);
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();

    private int calls;

    /// <summary>CallSids numbered per test, so TwiML that carries one (the whisper URL) is the same on every run.</summary>
    protected PhoneCall Call(string from = VoiceDirectory.StrangerPhone) => new(App, from, $"CA{++calls:D32}");

    protected Task<CallSession> SessionAsync(PhoneCall call) =>
        App.WithDbAsync(db => db.CallSessions.AsNoTracking().SingleAsync(s => s.CallSid == call.CallSid));

    /// <summary>Ana, a known contact, keys her code and a severity and is asked to describe the problem.</summary>
    protected async Task<PhoneCall> ContactAtDescriptionAsync(string severity)
    {
        var call = Call(VoiceDirectory.AnaPhone);
        await call.StartAsync();
        await call.StepAsync("menu", "1");
        await call.StepAsync("code", VoiceDirectory.AcmeCode);
        await call.StepAsync("confirm-code", "1");
        await call.StepAsync("severity", severity);
        return call;
    }

    /// <summary>Dials in as a stranger, picks the language, and reaches the main menu.</summary>
    protected async Task<PhoneCall> AtMenuAsync(string language = "1", string from = VoiceDirectory.StrangerPhone)
    {
        var call = Call(from);
        await call.StartAsync();
        if (from != VoiceDirectory.AnaPhone && from != VoiceDirectory.BobPhone)
        {
            await call.StepAsync("language", language);
        }
        return call;
    }
}
