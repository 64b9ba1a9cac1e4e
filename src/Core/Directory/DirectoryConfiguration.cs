using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Directory;

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> region)
    {
        region.HasIndex(r => r.Code).IsUnique();
        // The calendar is read and written whole, never queried inside: a JSON column keeps it as the file writes it.
        region.Property(r => r.Calendar)
            .HasConversion(
                calendar => JsonSerializer.Serialize(calendar, JsonSerializerOptions.Web),
                json => JsonSerializer.Deserialize<BusinessCalendarOptions>(json, JsonSerializerOptions.Web)!,
                new ValueComparer<BusinessCalendarOptions>(
                    (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Web) == JsonSerializer.Serialize(b, JsonSerializerOptions.Web),
                    c => JsonSerializer.Serialize(c, JsonSerializerOptions.Web).GetHashCode(StringComparison.Ordinal),
                    c => JsonSerializer.Deserialize<BusinessCalendarOptions>(JsonSerializer.Serialize(c, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!));
        region.Ignore(r => r.TimeZone);
    }
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> organization) =>
        organization.HasIndex(o => o.Code).IsUnique();
}

internal sealed class SiteConfiguration : IEntityTypeConfiguration<Site>
{
    public void Configure(EntityTypeBuilder<Site> site)
    {
        site.HasIndex(s => new { s.OrganizationId, s.Code }).IsUnique();
        site.HasOne(s => s.Region).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EquipmentConfiguration : IEntityTypeConfiguration<Equipment>
{
    public void Configure(EntityTypeBuilder<Equipment> equipment) =>
        equipment.HasIndex(e => e.SerialNumber).IsUnique();
}

internal sealed class MaintenanceCodeConfiguration : IEntityTypeConfiguration<MaintenanceCode>
{
    public void Configure(EntityTypeBuilder<MaintenanceCode> code)
    {
        code.HasIndex(c => c.Code).IsUnique();
        code.Property(c => c.Code).HasMaxLength(MaintenanceCode.MaxLength);
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> contact)
    {
        contact.HasIndex(c => c.Phone);
        contact.HasIndex(c => c.Email);
        contact.Property(c => c.Language).HasConversion<string>().HasMaxLength(2);
    }
}

internal sealed class SupportGroupConfiguration : IEntityTypeConfiguration<SupportGroup>
{
    public void Configure(EntityTypeBuilder<SupportGroup> group)
    {
        group.HasIndex(g => g.Code).IsUnique();
        group.HasMany(g => g.Agents).WithMany(a => a.Groups).UsingEntity("AgentSupportGroups");
    }
}

internal sealed class RoutingRuleConfiguration : IEntityTypeConfiguration<RoutingRule>
{
    public void Configure(EntityTypeBuilder<RoutingRule> rule) => rule.HasIndex(r => r.Product);
}

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> agent)
    {
        agent.HasIndex(a => a.Email).IsUnique();
        agent.Property(a => a.Role).HasConversion<string>().HasMaxLength(16);
        agent.Property(a => a.Language).HasConversion<string>().HasMaxLength(2);
    }
}
