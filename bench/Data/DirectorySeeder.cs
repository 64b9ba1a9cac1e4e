using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.Bench.Data;

/// <summary>
/// The bench's own customers and staff, written through EF (a few thousand rows): regions, organizations with sites
/// and equipment, one maintenance code per piece of equipment, support groups with routing rules, agents, and a
/// supervisor login for the console. Codes start with 7 and organizations with "bench-" so they never meet the demo directory's.
/// </summary>
public static class DirectorySeeder
{
    public const string SupervisorEmail = "bench-supervisor@example.test";
    public const string SupervisorPassword = "bench-password-1";
    public static readonly string[] Products = ["Router", "Switch", "Storage", "Server", "Printer"];

    public static async Task<IReadOnlyList<string>> SeedAsync(WebTicketingDb db, int organizations, int sitesPerOrganization, int equipmentPerSite)
    {
        if (await db.Organizations.AnyAsync(o => o.Code.StartsWith("bench-")))
        {
            return await CodesAsync(db);
        }
        var weekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" };
        var regions = new (string Code, string Name, string Zone)[]
        {
            ("bench-mad", "Madrid", "Europe/Madrid"), ("bench-bcn", "Barcelona", "Europe/Madrid"), ("bench-svq", "Sevilla", "Europe/Madrid"),
            ("bench-cdmx", "Ciudad de México", "America/Mexico_City"), ("bench-bog", "Bogotá", "America/Bogota"), ("bench-lim", "Lima", "America/Lima"),
        }.Select(r => new Region
        {
            Code = r.Code, Name = r.Name,
            Calendar = new BusinessCalendarOptions
            {
                TimeZone = r.Zone,
                Hours = weekdays.ToDictionary(d => d, _ => new List<string> { "09:00-14:00", "16:00-19:00" }),
            },
        }).ToList();
        db.Regions.AddRange(regions);

        var groups = Products.Select(p => new SupportGroup
        {
            Code = "bench-" + p.ToLowerInvariant(), Name = p + " support", Tier1OnCallPhone = "+34910000100",
            RoutingRules = [new RoutingRule { Product = p }],
        }).ToList();
        groups.Add(new SupportGroup { Code = "bench-general", Name = "General support", IsDefault = !await db.SupportGroups.AnyAsync(g => g.IsDefault) });
        db.SupportGroups.AddRange(groups);

        var agents = Enumerable.Range(1, 40).Select(i => new Agent
        {
            Name = $"Agent {i:D2}", Email = $"bench-agent{i:D2}@example.test", Tier = 1 + i % 3,
            Groups = [groups[i % groups.Count], groups[(i + 1) % groups.Count]],
        }).ToList();
        var supervisor = new Agent { Name = "Bench Supervisor", Email = SupervisorEmail, Role = AgentRole.Supervisor, Tier = 3, Groups = [.. groups] };
        db.Agents.AddRange(agents);
        db.Agents.Add(supervisor);

        var random = new Random(11);
        var serial = 0;
        for (var o = 1; o <= organizations; o++)
        {
            var organization = new Organization { Code = $"bench-{o:D4}", Name = $"Cliente {o:D4} S.A." };
            for (var s = 1; s <= sitesPerOrganization; s++)
            {
                var site = new Site { Code = $"s{s}", Name = $"Sede {o:D4}-{s}", Address = $"Calle {s} nº {o}", Region = regions[random.Next(regions.Count)] };
                for (var e = 0; e < equipmentPerSite; e++)
                {
                    serial++;
                    var equipment = new Equipment
                    {
                        Product = Products[random.Next(Products.Length)], Version = $"{random.Next(1, 8)}.{random.Next(0, 10)}",
                        SerialNumber = $"BENCH-{serial:D7}",
                    };
                    site.Equipment.Add(equipment);
                    db.MaintenanceCodes.Add(new MaintenanceCode
                    {
                        Code = "7" + serial.ToString("D9", CultureInfo.InvariantCulture), Equipment = equipment,
                        ValidFrom = new DateOnly(2024, 1, 1),
                    });
                }
                organization.Sites.Add(site);
            }
            organization.Contacts.Add(new Contact { Name = $"Contacto {o:D4}", Phone = $"+3460{o:D7}", Language = o % 4 == 0 ? Language.En : Language.Es, SmsOptIn = true });
            db.Organizations.Add(organization);
        }
        await db.SaveChangesAsync();

        // A console login the HTTP measurement signs in with (Identity's own hasher, so the console accepts it).
        var account = new UserAccount
        {
            UserName = SupervisorEmail, NormalizedUserName = SupervisorEmail.ToUpperInvariant(),
            Email = SupervisorEmail, NormalizedEmail = SupervisorEmail.ToUpperInvariant(), EmailConfirmed = true,
            SecurityStamp = Guid.NewGuid().ToString("N"), ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            LockoutEnabled = true, AgentId = supervisor.Id,
        };
        account.PasswordHash = new PasswordHasher<UserAccount>().HashPassword(account, SupervisorPassword);
        db.Users.Add(account);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = account.Id, RoleId = $"role-{Roles.Supervisor.ToLowerInvariant()}" });
        await db.SaveChangesAsync();
        return await CodesAsync(db);
    }

    private static async Task<IReadOnlyList<string>> CodesAsync(WebTicketingDb db) =>
        await db.MaintenanceCodes.AsNoTracking().Where(c => c.Code.StartsWith("7")).OrderBy(c => c.Id).Select(c => c.Code).ToListAsync();
}
