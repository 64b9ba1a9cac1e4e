namespace WebTicketing.Core.Directory;

/// <summary>
/// The number a customer keys in on the phone: it names one piece of equipment, and through it the site and the organization.
/// </summary>
public sealed class MaintenanceCode
{
    public const int MinLength = 6;
    public const int MaxLength = 12;

    public int Id { get; set; }
    public required string Code { get; set; }
    public int EquipmentId { get; set; }
    public Equipment Equipment { get; set; } = null!;
    public DateOnly ValidFrom { get; set; }
    /// <summary>Last day the code is accepted; null for open-ended contracts.</summary>
    public DateOnly? ValidUntil { get; set; }

    public CodeValidity ValidityOn(DateOnly day) =>
        day < ValidFrom ? CodeValidity.NotYetValid
        : ValidUntil is { } until && day > until ? CodeValidity.Expired
        : CodeValidity.Valid;

    public static bool IsWellFormed(string? code) =>
        code is { Length: >= MinLength and <= MaxLength } && code.All(char.IsAsciiDigit);
}

public enum CodeValidity
{
    Valid,
    NotYetValid,
    Expired,
}
