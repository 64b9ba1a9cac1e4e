namespace WebTicketing.Core.Directory;

/// <summary>A customer company. Every piece of customer data belongs to exactly one organization.</summary>
public sealed class Organization
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public List<Site> Sites { get; set; } = [];
    public List<Contact> Contacts { get; set; } = [];
}

public sealed class Site
{
    public int Id { get; set; }
    public int OrganizationId { get; set; }
    public Organization Organization { get; set; } = null!;
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string Address { get; set; } = "";
    public int RegionId { get; set; }
    public Region Region { get; set; } = null!;
    public List<Equipment> Equipment { get; set; } = [];
}

public sealed class Equipment
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public Site Site { get; set; } = null!;
    public required string Product { get; set; }
    public required string Version { get; set; }
    public required string SerialNumber { get; set; }
}
