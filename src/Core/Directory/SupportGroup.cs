namespace WebTicketing.Core.Directory;

/// <summary>The team that owns a set of products and versions, staffed in three tiers of expertise.</summary>
public sealed class SupportGroup
{
    public const int TopTier = 3;

    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    /// <summary>Takes every case no routing rule matches; exactly one group is the default.</summary>
    public bool IsDefault { get; set; }
    public string? Tier1OnCallPhone { get; set; }
    public string? Tier2OnCallPhone { get; set; }
    public string? Tier3OnCallPhone { get; set; }
    public List<RoutingRule> RoutingRules { get; set; } = [];
    public List<Agent> Agents { get; set; } = [];

    public string? OnCallPhone(int tier) => tier switch
    {
        1 => Tier1OnCallPhone,
        2 => Tier2OnCallPhone,
        _ => Tier3OnCallPhone,
    };
}

/// <summary>Product, and optionally a version range, owned by a support group. Bounds are inclusive; null is open.</summary>
public sealed class RoutingRule
{
    public int Id { get; set; }
    public int SupportGroupId { get; set; }
    public SupportGroup SupportGroup { get; set; } = null!;
    public required string Product { get; set; }
    public string? MinVersion { get; set; }
    public string? MaxVersion { get; set; }
}

public sealed class Agent
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public string? Phone { get; set; }
    public int Tier { get; set; } = 1;
    public AgentRole Role { get; set; } = AgentRole.Agent;
    public Language Language { get; set; } = Language.Es;
    public List<SupportGroup> Groups { get; set; } = [];
}

public enum AgentRole
{
    Agent,
    Supervisor,
    Admin,
}
