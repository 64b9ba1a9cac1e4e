using System.Globalization;
using System.Resources;
using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Sla;

/// <summary>The SMS the SLA jobs send to staff, in the reader's language (SlaTexts.resx: English; SlaTexts.es.resx: Spanish).</summary>
public static class SlaTexts
{
    private static readonly ResourceManager Resources = new("WebTicketing.Core.Sla.SlaTexts", typeof(SlaTexts).Assembly);

    public static string Warning(Language language, string caseNumber, SlaTargetKind target, int tier, DateTimeOffset dueLocal) =>
        Format(language, "Warning", caseNumber, Target(language, target, tier), When(dueLocal));

    /// <summary>A missed target; <paramref name="nowWithTier"/> names where the case went when it escalated because of it.</summary>
    public static string Breach(Language language, string caseNumber, SlaTargetKind target, int tier, DateTimeOffset dueLocal, int? nowWithTier) =>
        nowWithTier is { } newTier
            ? Format(language, "BreachEscalated", caseNumber, Target(language, target, tier), When(dueLocal), TierName(language, newTier))
            : Format(language, "Breach", caseNumber, Target(language, target, tier), When(dueLocal));

    /// <summary>Timeline text of a met target.</summary>
    public static string Met(Language language, SlaTargetKind target, int tier) => Format(language, "Met", Target(language, target, tier));

    public static string TierName(Language language, int tier) =>
        tier > SupportGroup.TopTier ? Text(language, "Supervisors") : Format(language, "Tier", tier);

    public static string Target(Language language, SlaTargetKind target, int tier) => target switch
    {
        SlaTargetKind.StartWork => Text(language, "TargetStartWork"),
        SlaTargetKind.FirstResponse => Text(language, "TargetFirstResponse"),
        _ => Format(language, "TargetResolution", tier),
    };

    private static string When(DateTimeOffset local) => local.ToString("dd/MM HH:mm", CultureInfo.InvariantCulture);

    private static CultureInfo Culture(Language language) => CultureInfo.GetCultureInfo(language == Language.En ? "en" : "es");

    private static string Text(Language language, string name) =>
        Resources.GetString(name, Culture(language)) ?? throw new InvalidOperationException($"SlaTexts has no '{name}'.");

    private static string Format(Language language, string name, params object[] values) =>
        string.Format(Culture(language), Text(language, name), values);
}
