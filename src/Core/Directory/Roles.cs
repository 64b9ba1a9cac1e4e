using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Directory;

/// <summary>Console roles. Customer logins belong to a contact; the others to an agent with that role.</summary>
public static class Roles
{
    public const string Customer = "Customer";
    public const string Agent = "Agent";
    public const string Supervisor = "Supervisor";
    public const string Admin = "Admin";

    public static readonly string[] All = [Customer, Agent, Supervisor, Admin];

    public static string For(AgentRole role) => role switch
    {
        AgentRole.Supervisor => Supervisor,
        AgentRole.Admin => Admin,
        _ => Agent,
    };

    /// <summary>The fixed id the role is seeded with.</summary>
    public static string IdOf(string role) => $"role-{role.ToLowerInvariant()}";
}

internal sealed class RoleSeed : IEntityTypeConfiguration<IdentityRole>
{
    public void Configure(EntityTypeBuilder<IdentityRole> role) =>
        role.HasData(Roles.All.Select(name => new IdentityRole
        {
            // Fixed ids and stamps: seed data must be the same on every model build.
            Id = Roles.IdOf(name),
            Name = name,
            NormalizedName = name.ToUpperInvariant(),
            ConcurrencyStamp = Roles.IdOf(name),
        }));
}
