using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.IvrWebhooks.Tests.Support;

/// <summary>Two customers, their codes (valid, expired, not yet valid), contacts, two support groups and one open case.</summary>
public sealed class VoiceDirectory
{
    public const string AcmeCode = "123456";
    public const string ExpiredCode = "222222";
    public const string FutureCode = "333333";
    public const string GlobexCode = "444444";
    public const string AnaPhone = "+34600000001";
    public const string BobPhone = "+15550000001";
    public const string StrangerPhone = "+34699999999";
    public const string NetworkOnCall = "+34910000002";
    public const string DefaultOnCall = "+34910000001";

    public required int AcmeRouterId { get; init; }
    public required int AnaId { get; init; }
    public required int OpenCaseId { get; init; }
    public required string OpenCaseNumber { get; init; }

    public static async Task<VoiceDirectory> SeedAsync(IvrApp app)
    {
        var weekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" };
        var madrid = new Region
        {
            Code = "es-mad", Name = "Madrid",
            Calendar = new BusinessCalendarOptions { TimeZone = "Europe/Madrid", Hours = weekdays.ToDictionary(d => d, _ => new List<string> { "09:00-18:00" }) },
        };
        var newYork = new Region
        {
            Code = "us-ny", Name = "New York",
            Calendar = new BusinessCalendarOptions { TimeZone = "America/New_York", Hours = weekdays.ToDictionary(d => d, _ => new List<string> { "09:00-17:00" }) },
        };
        var router = new Equipment { Product = "Router", Version = "5.2", SerialNumber = "R-1" };
        var acme = new Organization { Code = "acme", Name = "Acme" };
        acme.Sites.Add(new Site { Code = "hq", Name = "Sede central", Region = madrid, Equipment = [router] });
        var ana = new Contact { Name = "Ana", Phone = AnaPhone, Language = Language.Es, SmsOptIn = true };
        acme.Contacts.Add(ana);
        var storage = new Equipment { Product = "Storage", Version = "2.0", SerialNumber = "S-1" };
        var globex = new Organization { Code = "globex", Name = "Globex" };
        globex.Sites.Add(new Site { Code = "plant", Name = "Main plant", Region = newYork, Equipment = [storage] });
        globex.Contacts.Add(new Contact { Name = "Bob", Phone = BobPhone, Language = Language.En, SmsOptIn = false });
        var general = new SupportGroup { Code = "general", Name = "General", IsDefault = true, Tier1OnCallPhone = DefaultOnCall };
        var network = new SupportGroup { Code = "network", Name = "Network", Tier1OnCallPhone = NetworkOnCall };
        network.RoutingRules.Add(new RoutingRule { Product = "Router" });

        await app.WithDbAsync(async db =>
        {
            db.AddRange(madrid, newYork, acme, globex, general, network);
            db.MaintenanceCodes.AddRange(
                new MaintenanceCode { Code = AcmeCode, Equipment = router, ValidFrom = new DateOnly(2025, 1, 1) },
                new MaintenanceCode { Code = ExpiredCode, Equipment = router, ValidFrom = new DateOnly(2025, 1, 1), ValidUntil = new DateOnly(2026, 1, 31) },
                new MaintenanceCode { Code = FutureCode, Equipment = router, ValidFrom = new DateOnly(2026, 6, 1) },
                new MaintenanceCode { Code = GlobexCode, Equipment = storage, ValidFrom = new DateOnly(2025, 1, 1) });
            await db.SaveChangesAsync();
        });

        await using var scope = app.Services.CreateAsyncScope();
        var workflow = scope.ServiceProvider.GetRequiredService<CaseWorkflow>();
        var opened = await workflow.OpenAsync(new OpenCaseRequest(router.Id, Severity.Major, "Router reboots every hour", Channel.Web, ana.Id), Actor.System);
        var @case = opened.Case!;
        await workflow.AddNoteAsync(@case.Id, null, "Replacing the power supply", isPublic: true, Actor.ForAgent(1, "Carmen"));
        return new VoiceDirectory { AcmeRouterId = router.Id, AnaId = ana.Id, OpenCaseId = @case.Id, OpenCaseNumber = @case.Number };
    }
}
