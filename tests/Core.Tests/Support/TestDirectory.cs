using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Tests.Support;

/// <summary>A small directory written straight through EF: two organizations, two regions, three support groups.</summary>
public sealed class TestDirectory
{
    public required Region Madrid { get; init; }
    public required Region Mexico { get; init; }
    public required Organization Acme { get; init; }
    public required Organization Globex { get; init; }
    public required Equipment AcmeRouter { get; init; }
    public required Equipment AcmeOldRouter { get; init; }
    public required Equipment GlobexStorage { get; init; }
    public required Contact AcmeContact { get; init; }
    public required Contact GlobexContact { get; init; }
    public required SupportGroup DefaultGroup { get; init; }
    public required SupportGroup NetworkGroup { get; init; }
    public required SupportGroup LegacyNetworkGroup { get; init; }
    public required Agent Agent { get; init; }

    public static async Task<TestDirectory> SeedAsync(WebTicketingDb db)
    {
        var weekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" };
        var madrid = new Region
        {
            Code = "es-mad", Name = "Madrid",
            Calendar = new BusinessCalendarOptions
            {
                TimeZone = "Europe/Madrid",
                Hours = weekdays.ToDictionary(d => d, _ => new List<string> { "09:00-14:00", "16:00-19:00" }),
            },
        };
        var mexico = new Region
        {
            Code = "mx-cdmx", Name = "Ciudad de México",
            Calendar = new BusinessCalendarOptions
            {
                TimeZone = "America/Mexico_City",
                Hours = weekdays.ToDictionary(d => d, _ => new List<string> { "08:00-17:00" }),
            },
        };
        var acmeSite = new Site { Code = "hq", Name = "Acme HQ", Region = madrid };
        var router = new Equipment { Product = "Router", Version = "5.2", SerialNumber = "R-1" };
        var oldRouter = new Equipment { Product = "Router", Version = "3.1", SerialNumber = "R-2" };
        acmeSite.Equipment.AddRange([router, oldRouter]);
        var acme = new Organization { Code = "acme", Name = "Acme" };
        acme.Sites.Add(acmeSite);
        var acmeContact = new Contact { Name = "Ana", Phone = "+34600000001", Language = Language.Es, SmsOptIn = true };
        acme.Contacts.Add(acmeContact);

        var globexSite = new Site { Code = "plant", Name = "Globex Plant", Region = mexico };
        var storage = new Equipment { Product = "Storage", Version = "2.0", SerialNumber = "S-1" };
        globexSite.Equipment.Add(storage);
        var globex = new Organization { Code = "globex", Name = "Globex" };
        globex.Sites.Add(globexSite);
        var globexContact = new Contact { Name = "Bob", Phone = "+5215500000001", Language = Language.En, SmsOptIn = true };
        globex.Contacts.Add(globexContact);

        var defaultGroup = new SupportGroup { Code = "general", Name = "General", IsDefault = true, Tier1OnCallPhone = "+34910000001" };
        var network = new SupportGroup { Code = "network", Name = "Network", Tier1OnCallPhone = "+34910000002" };
        network.RoutingRules.Add(new RoutingRule { Product = "Router" });
        var legacy = new SupportGroup { Code = "network-legacy", Name = "Network legacy" };
        legacy.RoutingRules.Add(new RoutingRule { Product = "Router", MaxVersion = "3.9" });
        var agent = new Agent { Name = "Carmen", Email = "carmen@example.test", Groups = [network] };

        db.AddRange(madrid, mexico, acme, globex, defaultGroup, network, legacy, agent);
        db.MaintenanceCodes.Add(new MaintenanceCode { Code = "123456", Equipment = router, ValidFrom = new DateOnly(2025, 1, 1) });
        await db.SaveChangesAsync();
        return new TestDirectory
        {
            Madrid = madrid, Mexico = mexico, Acme = acme, Globex = globex,
            AcmeRouter = router, AcmeOldRouter = oldRouter, GlobexStorage = storage,
            AcmeContact = acmeContact, GlobexContact = globexContact,
            DefaultGroup = defaultGroup, NetworkGroup = network, LegacyNetworkGroup = legacy, Agent = agent,
        };
    }
}
