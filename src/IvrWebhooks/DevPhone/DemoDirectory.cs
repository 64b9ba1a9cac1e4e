using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Sla;

namespace WebTicketing.IvrWebhooks.DevPhone;

/// <summary>
/// A customer to call as, for a development database that has no directory yet: one code, one contact, one support
/// group. Never runs on its own: the dev phone's button asks for it, and it adds nothing once any code exists.
/// </summary>
public static class DemoDirectory
{
    public const string Code = "123456";
    public const string ContactPhone = "+34600000001";

    public static async Task<bool> EnsureAsync(WebTicketingDb db, TimeProvider time, CancellationToken ct)
    {
        if (await db.MaintenanceCodes.AnyAsync(ct))
        {
            return false;
        }
        var weekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" };
        var region = await db.Regions.OrderBy(r => r.Id).FirstOrDefaultAsync(ct) ?? new Region
        {
            Code = "es-mad", Name = "Madrid",
            Calendar = new BusinessCalendarOptions { TimeZone = "Europe/Madrid", Hours = weekdays.ToDictionary(d => d, _ => new List<string> { "09:00-14:00", "16:00-19:00" }) },
        };
        var router = new Equipment { Product = "Router", Version = "5.2", SerialNumber = "DEMO-R-1" };
        var organization = new Organization { Code = "demo", Name = "Demo S.A." };
        organization.Sites.Add(new Site { Code = "hq", Name = "Oficina central", Region = region, Equipment = [router] });
        organization.Contacts.Add(new Contact { Name = "Ana", Phone = ContactPhone, Language = Language.Es, SmsOptIn = true });
        db.Organizations.Add(organization);
        if (!await db.SupportGroups.AnyAsync(g => g.IsDefault, ct))
        {
            db.SupportGroups.Add(new SupportGroup { Code = "general", Name = "General", IsDefault = true, Tier1OnCallPhone = "+34910000001" });
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        db.MaintenanceCodes.Add(new MaintenanceCode { Code = Code, Equipment = router, ValidFrom = today.AddYears(-1) });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
