namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>
/// The steps of the call flow. Each one that waits for the caller has its own action URL, and is stored as the
/// call's current step so any instance knows what the next webhook answers.
/// </summary>
public enum VoiceStep
{
    Incoming,
    Language,
    Menu,
    Code,
    ConfirmCode,
    CallbackNumber,
    Severity,
    Description,
    Opened,
    CaseNumber,
    CaseCode,
    CaseMenu,
    Note,
    Transfer,
    DialResult,
    Voicemail,
    Done,
}

public static class VoiceUrls
{
    public const string Base = "/twilio/voice";

    /// <summary>The action URL a step's answer is posted to, e.g. /twilio/voice/confirm-code.</summary>
    public static string For(VoiceStep step) => $"{Base}/{Slug(step)}";

    public static string Slug(VoiceStep step) =>
        string.Concat(step.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    /// <summary>
    /// Callbacks Twilio calls outside the flow of the document (recording, transcription, the agent's whisper) are
    /// given as absolute URLs when the public address is known: not every TwiML attribute is documented as taking a
    /// relative one. Without it (the dev phone) they stay relative to the request.
    /// </summary>
    public static Uri Callback(string pathAndQuery, string? publicBaseUrl) =>
        string.IsNullOrEmpty(publicBaseUrl)
            ? new Uri(pathAndQuery, UriKind.Relative)
            : new Uri(publicBaseUrl.TrimEnd('/') + pathAndQuery, UriKind.Absolute);

    public const string Status = Base + "/status";
    public const string Whisper = Base + "/whisper";
    public const string Recording = Base + "/recording";
    public const string Transcription = Base + "/transcription";
}
