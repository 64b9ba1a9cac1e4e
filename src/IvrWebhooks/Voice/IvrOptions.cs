using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;

namespace WebTicketing.IvrWebhooks.Voice;

/// <summary>The phone line's settings (<c>Ivr</c> section) plus which severities are urgent (<c>Sla:UrgentSeverities</c>).</summary>
public sealed class IvrOptions
{
    public VoiceNames Voices { get; set; } = new();
    /// <summary>Shared with the SLA engine: urgent cases are offered the on-call engineer straight away.</summary>
    public int[] UrgentSeverities { get; set; } = [(int)Severity.Critical];

    public bool IsUrgent(Severity severity) => UrgentSeverities.Contains((int)severity);
}

public sealed class VoiceNames
{
    public string Es { get; set; } = "Polly.Lucia";
    public string En { get; set; } = "Polly.Joanna";

    public string For(Language language) => language == Language.En ? En : Es;
}
