using Microsoft.Extensions.Options;
using WebTicketing.Core.Telephony;
using WebTicketing.IvrWebhooks.Twilio;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>Twilio's voice webhooks under <c>/twilio/voice</c>: one URL per step the caller answers, plus callbacks.</summary>
public static class VoiceEndpoints
{
    public static IServiceCollection AddVoice(this IServiceCollection services)
    {
        services.AddOptions<IvrOptions>().BindConfiguration("Ivr")
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (configuration.GetSection("Sla:UrgentSeverities").Get<int[]>() is { Length: > 0 } urgent)
                {
                    options.UrgentSeverities = urgent;
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.Voices.Es) && !string.IsNullOrWhiteSpace(o.Voices.En), "Ivr:Voices:Es and Ivr:Voices:En must name Twilio voices.")
            .Validate(o => o.UrgentSeverities.All(s => s is >= 1 and <= 4), "Sla:UrgentSeverities must list severities 1 to 4.")
            .ValidateOnStart();
        services.AddOptions<CallSessionRetentionOptions>().BindConfiguration("Ivr")
            .Validate(o => o.KeepFinishedCallsFor >= TimeSpan.FromDays(1), "Ivr:KeepFinishedCallsFor must be at least a day (1.00:00:00).")
            .ValidateOnStart();
        services.AddSingleton<CallLocks>();
        services.AddScoped<CallFlow>();
        services.AddScoped<CallTransfer>();
        services.AddScoped<CallEnd>();
        services.AddScoped<CallRecordings>();
        services.AddScoped<RecordingDownload>();
        services.AddScoped<CallSessionRetention>();
        services.AddHostedService<CallSessionRetentionRegistration>();
        services.AddHttpClient(RecordingDownload.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(2));
        return services;
    }

    public static RouteGroupBuilder MapVoice(this RouteGroupBuilder twilio)
    {
        var voice = twilio.MapGroup("/voice");
        voice.MapPost("/incoming", Step(VoiceStep.Incoming));
        voice.MapPost("/language", Step(VoiceStep.Language));
        voice.MapPost("/menu", Step(VoiceStep.Menu));
        voice.MapPost("/code", Step(VoiceStep.Code));
        voice.MapPost("/confirm-code", Step(VoiceStep.ConfirmCode));
        voice.MapPost("/callback-number", Step(VoiceStep.CallbackNumber));
        voice.MapPost("/severity", Step(VoiceStep.Severity));
        voice.MapPost("/description", Step(VoiceStep.Description));
        voice.MapPost("/opened", Step(VoiceStep.Opened));
        voice.MapPost("/case-number", Step(VoiceStep.CaseNumber));
        voice.MapPost("/case-code", Step(VoiceStep.CaseCode));
        voice.MapPost("/case-menu", Step(VoiceStep.CaseMenu));
        voice.MapPost("/note", Step(VoiceStep.Note));
        voice.MapPost("/dial-result", Step(VoiceStep.DialResult));
        voice.MapPost("/voicemail", Step(VoiceStep.Voicemail));
        voice.MapPost("/whisper", async (HttpRequest request, string? call, CallTransfer transfer, IOptions<IvrOptions> ivr, CancellationToken ct) =>
            (await transfer.WhisperAsync(call, ivr.Value.Voices, ct)).Twiml());
        voice.MapPost("/status", async (HttpRequest request, CallEnd end, CancellationToken ct) =>
            await VoiceCall.ReadAsync(request, ct) is { } call ? await Acknowledge(end.StatusAsync(call, ct)) : Results.BadRequest());
        voice.MapPost("/recording", async (HttpRequest request, string? purpose, CallRecordings recordings, CancellationToken ct) =>
        {
            if (await VoiceCall.ReadAsync(request, ct) is not { } call)
            {
                return Results.BadRequest();
            }
            recordings.RecordingStatus(call, Enum.TryParse<RecordingPurpose>(purpose, ignoreCase: true, out var what) ? what : RecordingPurpose.Description);
            return Results.NoContent();
        });
        voice.MapPost("/transcription", async (HttpRequest request, CallRecordings recordings, CancellationToken ct) =>
            await VoiceCall.ReadAsync(request, ct) is { } call ? await Acknowledge(recordings.TranscriptionAsync(call, ct)) : Results.BadRequest());
        return voice;
    }

    private static Func<HttpRequest, CallFlow, CancellationToken, Task<IResult>> Step(VoiceStep step) =>
        async (request, flow, ct) => await VoiceCall.ReadAsync(request, ct) is { } call
            ? new TwimlResult(await flow.AnswerAsync(step, call, ct))
            : Results.BadRequest();

    private static async Task<IResult> Acknowledge(Task work)
    {
        await work;
        return Results.NoContent();
    }
}
