namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>What Twilio posted to a voice webhook. Parameter sets grow without notice, so the whole form is kept.</summary>
public sealed record VoiceCall(string CallSid, IFormCollection Form, string? IdempotencyToken)
{
    public const string IdempotencyHeader = "I-Twilio-Idempotency-Token";

    public string? From => this["From"];
    public string? Digits => this["Digits"];
    public string? Speech => this["SpeechResult"];
    public string? RecordingSid => this["RecordingSid"];
    public string? RecordingUrl => this["RecordingUrl"];

    public string? this[string name] => Form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    public static async Task<VoiceCall?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
        var callSid = form["CallSid"].ToString();
        return string.IsNullOrEmpty(callSid) ? null
            : new VoiceCall(callSid, form, request.Headers[IdempotencyHeader].ToString() is { Length: > 0 } token ? token : null);
    }
}
