namespace WebTicketing.Core.Directory;

/// <summary>Chooses the support group that owns a product at a version.</summary>
public static class SupportRouting
{
    /// <summary>
    /// The most specific matching rule wins: a rule bounded on both sides beats one bounded on one side, which beats
    /// a product-wide rule; between equally bounded rules the one whose lower bound is highest is the narrower fit.
    /// Null when no rule matches: the caller falls back to the default group.
    /// </summary>
    public static RoutingRule? BestRule(IEnumerable<RoutingRule> rules, string product, string version) =>
        rules
            .Where(r => string.Equals(r.Product, product, StringComparison.OrdinalIgnoreCase))
            .Where(r => r.MinVersion is null || CompareVersions(version, r.MinVersion) >= 0)
            .Where(r => r.MaxVersion is null || CompareVersions(version, r.MaxVersion) <= 0)
            .OrderByDescending(r => (r.MinVersion is null ? 0 : 1) + (r.MaxVersion is null ? 0 : 1))
            .ThenByDescending(r => r.MinVersion ?? "", Comparer<string>.Create(CompareVersions))
            .ThenBy(r => r.Id)
            .FirstOrDefault();

    /// <summary>Compares dotted versions part by part, numerically where both parts are numbers ("10.2" &gt; "9.11").</summary>
    public static int CompareVersions(string left, string right)
    {
        var leftParts = left.Split('.');
        var rightParts = right.Split('.');
        for (var i = 0; i < Math.Max(leftParts.Length, rightParts.Length); i++)
        {
            var l = i < leftParts.Length ? leftParts[i] : "0";
            var r = i < rightParts.Length ? rightParts[i] : "0";
            var order = long.TryParse(l, out var ln) && long.TryParse(r, out var rn)
                ? ln.CompareTo(rn)
                : string.Compare(l, r, StringComparison.OrdinalIgnoreCase);
            if (order != 0)
            {
                return order;
            }
        }
        return 0;
    }
}
