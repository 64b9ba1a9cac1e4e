namespace WebTicketing.Core.Notifications;

/// <summary>
/// How many SMS segments a text costs. GSM-7 fits 160 characters in one segment and 153 per segment once split
/// (the rest carries the concatenation header); the extension table (€ [ ] { } ~ ^ | \ and form feed) costs two.
/// One character outside GSM-7 (á, í, ó, ú, an emoji) switches the whole text to UCS-2: 70 UTF-16 units, 67 once split.
/// </summary>
public static class SmsSegments
{
    public const int MaxSegments = 3;

    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Extension = "\f^{}\\[~]|€";

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c) || Extension.Contains(c));

    /// <summary>Length in the units its encoding counts: septets for GSM-7, UTF-16 code units for UCS-2.</summary>
    public static int Units(string text) =>
        IsGsm7(text) ? text.Sum(c => Extension.Contains(c) ? 2 : 1) : text.Length;

    public static int Count(string text)
    {
        var (single, multi) = Limits(text);
        var units = Units(text);
        return units <= single ? 1 : (units + multi - 1) / multi;
    }

    /// <summary>The most units a text in this encoding may have and still fit <paramref name="segments"/> segments.</summary>
    public static int Capacity(string text, int segments)
    {
        var (single, multi) = Limits(text);
        return segments <= 1 ? single : segments * multi;
    }

    /// <summary>
    /// Fills <paramref name="template"/>'s single <c>{excerpt}</c> hole with as much of <paramref name="excerpt"/> as
    /// fits in <paramref name="segments"/>, cut at a word when it can be, marked with "...".
    /// </summary>
    public static string FitExcerpt(string template, string excerpt, int segments)
    {
        excerpt = string.Join(' ', excerpt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var whole = template.Replace("{excerpt}", excerpt, StringComparison.Ordinal);
        if (Count(whole) <= segments)
        {
            return whole;
        }
        const string Ellipsis = "...";
        var capacity = Capacity(whole, segments);
        var room = capacity - Units(template.Replace("{excerpt}", Ellipsis, StringComparison.Ordinal));
        var cut = excerpt;
        while (cut.Length > 0 && Units(cut) > room)
        {
            cut = cut[..^1];
        }
        // Never split a surrogate pair (an emoji) in two.
        if (cut.Length > 0 && char.IsHighSurrogate(cut[^1]))
        {
            cut = cut[..^1];
        }
        var space = cut.LastIndexOf(' ');
        if (space > cut.Length * 2 / 3)
        {
            cut = cut[..space];
        }
        return template.Replace("{excerpt}", cut.TrimEnd() + Ellipsis, StringComparison.Ordinal);
    }

    private static (int Single, int Multi) Limits(string text) => IsGsm7(text) ? (160, 153) : (70, 67);
}
