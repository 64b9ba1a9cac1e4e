using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.AgentConsole.Tests.Support;

/// <summary>
/// Two customers in two regions, two support groups, and one login per role:
/// Acme (Madrid; HQ and a warehouse) routed to Network; Globex (Mexico City) routed to Storage.
/// </summary>
public sealed class ConsoleData
{
    public const string Password = "correct horse battery";
    public const string AgentEmail = "carmen@support.test";
    public const string SupervisorEmail = "sofia@support.test";
    public const string AdminEmail = "admin@support.test";
    public const string AcmeEmail = "ana@acme.test";
    public const string GlobexEmail = "bob@globex.test";

    public required Organization Acme { get; init; }
    public required Organization Globex { get; init; }
    public required Site AcmeHq { get; init; }
    public required Site AcmeWarehouse { get; init; }
    public required Region Madrid { get; init; }
    public required Region Mexico { get; init; }
    public required Equipment AcmeRouter { get; init; }
    public required Equipment AcmeSwitch { get; init; }
    public required Equipment GlobexArray { get; init; }
    public required SupportGroup Network { get; init; }
    public required SupportGroup Storage { get; init; }
    public required Agent Carmen { get; init; }
    public required Contact Ana { get; init; }
    public required Contact Bob { get; init; }
    /// <summary>An open Acme case (router at HQ, Network group) and an open Globex case (Storage group).</summary>
    public required Case AcmeCase { get; init; }
    public required Case GlobexCase { get; init; }

    public static async Task<ConsoleData> SeedAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<WebTicketingDb>();
        static Region RegionOf(string code, string name, string zone) => new()
        {
            Code = code, Name = name,
            Calendar = new BusinessCalendarOptions { TimeZone = zone, Hours = new(StringComparer.OrdinalIgnoreCase) { ["Monday"] = ["09:00-18:00"] } },
        };
        var madrid = RegionOf("es-mad", "Madrid", "Europe/Madrid");
        var mexico = RegionOf("mx-cdmx", "Ciudad de México", "America/Mexico_City");
        var router = new Equipment { Product = "Router", Version = "5.2", SerialNumber = "ACME-R1" };
        var @switch = new Equipment { Product = "Router", Version = "5.0", SerialNumber = "ACME-S1" };
        var hq = new Site { Code = "hq", Name = "Acme HQ", Region = madrid, Equipment = [router] };
        var warehouse = new Site { Code = "wh", Name = "Acme Warehouse", Region = madrid, Equipment = [@switch] };
        var ana = new Contact { Name = "Ana Acme", Email = AcmeEmail, Phone = "+34600000001", SmsOptIn = true };
        var acme = new Organization { Code = "acme", Name = "Acme", Sites = [hq, warehouse], Contacts = [ana] };
        var array = new Equipment { Product = "Storage", Version = "2.0", SerialNumber = "GLX-A1" };
        var bob = new Contact { Name = "Bob Globex", Email = GlobexEmail, Language = Language.En };
        var globex = new Organization
        {
            Code = "globex", Name = "Globex",
            Sites = [new Site { Code = "plant", Name = "Globex Plant", Region = mexico, Equipment = [array] }],
            Contacts = [bob],
        };
        var network = new SupportGroup { Code = "network", Name = "Network", RoutingRules = [new RoutingRule { Product = "Router" }] };
        var storage = new SupportGroup { Code = "storage", Name = "Storage", IsDefault = true };
        var carmen = new Agent { Name = "Carmen Agent", Email = AgentEmail, Groups = [network] };
        var sofia = new Agent { Name = "Sofía Supervisor", Email = SupervisorEmail, Role = AgentRole.Supervisor };
        var admin = new Agent { Name = "Alba Admin", Email = AdminEmail, Role = AgentRole.Admin };
        db.AddRange(madrid, mexico, acme, globex, network, storage, carmen, sofia, admin);
        db.MaintenanceCodes.AddRange(
            new MaintenanceCode { Code = "111111", Equipment = router, ValidFrom = new DateOnly(2020, 1, 1) },
            new MaintenanceCode { Code = "222222", Equipment = array, ValidFrom = new DateOnly(2020, 1, 1) });
        await db.SaveChangesAsync();

        var users = services.GetRequiredService<UserManager<UserAccount>>();
        async Task LoginAsync(string email, string role, Agent? agent = null, Contact? contact = null)
        {
            var user = new UserAccount { UserName = email, Email = email, EmailConfirmed = true, AgentId = agent?.Id, ContactId = contact?.Id };
            AssertIdentity(await users.CreateAsync(user, Password));
            AssertIdentity(await users.AddToRoleAsync(user, role));
        }
        await LoginAsync(AgentEmail, Roles.Agent, agent: carmen);
        await LoginAsync(SupervisorEmail, Roles.Supervisor, agent: sofia);
        await LoginAsync(AdminEmail, Roles.Admin, agent: admin);
        await LoginAsync(AcmeEmail, Roles.Customer, contact: ana);
        await LoginAsync(GlobexEmail, Roles.Customer, contact: bob);

        var workflow = services.GetRequiredService<CaseWorkflow>();
        var acmeCase = (await workflow.OpenAsync(new OpenCaseRequest(router.Id, Severity.Major, "Router drops packets every hour", Channel.Phone, ana.Id), Actor.Phone)).Case!;
        var globexCase = (await workflow.OpenAsync(new OpenCaseRequest(array.Id, Severity.Critical, "Storage array offline", Channel.Web, bob.Id), Actor.Phone)).Case!;
        db.ChangeTracker.Clear();
        return new ConsoleData
        {
            Acme = acme, Globex = globex, AcmeHq = hq, AcmeWarehouse = warehouse, Madrid = madrid, Mexico = mexico,
            AcmeRouter = router, AcmeSwitch = @switch, GlobexArray = array, Network = network, Storage = storage,
            Carmen = carmen, Ana = ana, Bob = bob, AcmeCase = acmeCase, GlobexCase = globexCase,
        };
    }

    private static void AssertIdentity(IdentityResult result) =>
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
}
