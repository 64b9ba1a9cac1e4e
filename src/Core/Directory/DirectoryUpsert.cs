using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Directory;

/// <summary>
/// Applies a checked directory file to the rows already in the database, one method per kind. Values are assigned
/// as the file has them and EF's change tracking decides what really changed, so an unchanged row is never written.
/// </summary>
internal sealed class DirectoryUpsert
{
    private static readonly StringComparer Key = StringComparer.OrdinalIgnoreCase;

    private readonly WebTicketingDb db;
    private readonly IPasswordHasher<UserAccount> passwordHasher;
    private readonly ILookupNormalizer normalizer;
    private readonly Dictionary<string, Region> regions;
    private readonly Dictionary<string, Organization> organizations;
    private readonly Dictionary<string, Equipment> equipment;
    private readonly Dictionary<string, MaintenanceCode> maintenanceCodes;
    private readonly Dictionary<string, Contact> contacts;
    private readonly Dictionary<string, SupportGroup> supportGroups;
    private readonly Dictionary<string, Agent> agents;
    private readonly Dictionary<string, UserAccount> accounts;
    private readonly List<IdentityUserRole<string>> accountRoles;
    private readonly Dictionary<DirectoryKind, ChangeCount> counts = [];

    private DirectoryUpsert(WebTicketingDb db, IPasswordHasher<UserAccount> passwordHasher, ILookupNormalizer normalizer,
        List<Region> regions, List<Organization> organizations, List<Equipment> equipment, List<MaintenanceCode> maintenanceCodes,
        List<Contact> contacts, List<SupportGroup> supportGroups, List<Agent> agents, List<UserAccount> accounts,
        List<IdentityUserRole<string>> accountRoles)
    {
        this.db = db;
        this.passwordHasher = passwordHasher;
        this.normalizer = normalizer;
        this.regions = ByKey(regions, r => r.Code);
        this.organizations = ByKey(organizations, o => o.Code);
        this.equipment = ByKey(equipment, e => e.SerialNumber);
        this.maintenanceCodes = ByKey(maintenanceCodes, c => c.Code);
        this.contacts = ByKey(contacts, c => c.Email);
        this.supportGroups = ByKey(supportGroups, g => g.Code);
        this.agents = ByKey(agents, a => a.Email);
        this.accounts = ByKey(accounts, a => a.NormalizedUserName);
        this.accountRoles = accountRoles;
    }

    public IReadOnlyDictionary<DirectoryKind, ChangeCount> Counts => counts;

    /// <summary>Loads the whole directory into the context: it is small, and fix-up then links every navigation.</summary>
    public static async Task<DirectoryUpsert> LoadAsync(WebTicketingDb db, IPasswordHasher<UserAccount> passwordHasher,
        ILookupNormalizer normalizer, CancellationToken cancellationToken)
    {
        var regions = await db.Regions.ToListAsync(cancellationToken);
        var organizations = await db.Organizations.ToListAsync(cancellationToken);
        await db.Sites.LoadAsync(cancellationToken);
        var equipment = await db.Equipment.ToListAsync(cancellationToken);
        var codes = await db.MaintenanceCodes.ToListAsync(cancellationToken);
        var contacts = await db.Contacts.ToListAsync(cancellationToken);
        var groups = await db.SupportGroups.Include(g => g.RoutingRules).ToListAsync(cancellationToken);
        var agents = await db.Agents.Include(a => a.Groups).ToListAsync(cancellationToken);
        var accounts = await db.Users.ToListAsync(cancellationToken);
        var accountRoles = await db.UserRoles.ToListAsync(cancellationToken);
        return new DirectoryUpsert(db, passwordHasher, normalizer,
            regions, organizations, equipment, codes, contacts, groups, agents, accounts, accountRoles);
    }

    public void Apply(DirectoryFile file)
    {
        file.Regions.ForEach(UpsertRegion);
        file.SupportGroups.ForEach(UpsertSupportGroup);
        KeepOneDefaultGroup(file);
        file.Organizations.ForEach(UpsertOrganization);
        file.Agents.ForEach(UpsertAgent);
    }

    private void UpsertRegion(RegionEntry entry)
    {
        var region = FindOrAdd(regions, entry.Code!, () => new Region { Code = entry.Code!, Name = entry.Name!, Calendar = entry.Calendar! });
        region.Code = entry.Code!;
        region.Name = entry.Name!;
        region.Calendar = entry.Calendar!;
        Count(DirectoryKind.Region, region);
    }

    private void UpsertSupportGroup(SupportGroupEntry entry)
    {
        var group = FindOrAdd(supportGroups, entry.Code!, () => new SupportGroup { Code = entry.Code!, Name = entry.Name! });
        group.Code = entry.Code!;
        group.Name = entry.Name!;
        group.IsDefault = entry.IsDefault;
        group.Tier1OnCallPhone = entry.OnCall[0];
        group.Tier2OnCallPhone = entry.OnCall[1];
        group.Tier3OnCallPhone = entry.OnCall[2];
        Count(DirectoryKind.SupportGroup, group, childrenChanged: SyncRoutingRules(group, entry.Routing));
    }

    /// <summary>A group's routing rules are exactly the file's: a rule has no identity of its own and nothing refers to it.</summary>
    private bool SyncRoutingRules(SupportGroup group, List<RoutingEntry> wanted)
    {
        static string RuleKey(string product, string? min, string? max) => $"{product}|{min}|{max}";
        var wantedKeys = wanted.Select(r => RuleKey(r.Product!, r.MinVersion, r.MaxVersion)).ToHashSet(Key);
        var stale = group.RoutingRules.Where(r => !wantedKeys.Contains(RuleKey(r.Product, r.MinVersion, r.MaxVersion))).ToList();
        foreach (var rule in stale)
        {
            group.RoutingRules.Remove(rule);
            db.RoutingRules.Remove(rule);
        }
        var existingKeys = group.RoutingRules.Select(r => RuleKey(r.Product, r.MinVersion, r.MaxVersion)).ToHashSet(Key);
        var added = 0;
        foreach (var rule in wanted.Where(r => !existingKeys.Contains(RuleKey(r.Product!, r.MinVersion, r.MaxVersion))))
        {
            var row = new RoutingRule { SupportGroup = group, Product = rule.Product!, MinVersion = rule.MinVersion, MaxVersion = rule.MaxVersion };
            group.RoutingRules.Add(row);
            db.RoutingRules.Add(row);
            added++;
        }
        return stale.Count > 0 || added > 0;
    }

    /// <summary>The file names the one default group; a group it no longer lists keeps its row but stops being the default.</summary>
    private void KeepOneDefaultGroup(DirectoryFile file)
    {
        var listed = file.SupportGroups.Select(g => g.Code!).ToHashSet(Key);
        foreach (var group in supportGroups.Values.Where(g => g.IsDefault && !listed.Contains(g.Code)))
        {
            group.IsDefault = false;
            Count(DirectoryKind.SupportGroup, group);
        }
    }

    private void UpsertOrganization(OrganizationEntry entry)
    {
        var organization = FindOrAdd(organizations, entry.Code!, () => new Organization { Code = entry.Code!, Name = entry.Name! });
        organization.Code = entry.Code!;
        organization.Name = entry.Name!;
        Count(DirectoryKind.Organization, organization);
        foreach (var site in entry.Sites)
            UpsertSite(organization, site);
        foreach (var contact in entry.Contacts)
            UpsertContact(organization, contact);
    }

    private void UpsertSite(Organization organization, SiteEntry entry)
    {
        var site = organization.Sites.FirstOrDefault(s => Key.Equals(s.Code, entry.Code));
        if (site is null)
        {
            site = new Site { Organization = organization, Code = entry.Code!, Name = entry.Name! };
            organization.Sites.Add(site);
            db.Sites.Add(site);
        }
        site.Code = entry.Code!;
        site.Name = entry.Name!;
        site.Address = entry.Address;
        site.Region = regions[entry.Region!];
        Count(DirectoryKind.Site, site);
        foreach (var item in entry.Equipment)
            UpsertEquipment(site, item);
    }

    private void UpsertEquipment(Site site, EquipmentEntry entry)
    {
        // The serial number is the key across the whole directory: equipment moved to another site is the same equipment.
        var item = FindOrAdd(equipment, entry.SerialNumber!, () => new Equipment
        {
            Site = site, SerialNumber = entry.SerialNumber!, Product = entry.Product!, Version = entry.Version!,
        });
        item.Site = site;
        item.SerialNumber = entry.SerialNumber!;
        item.Product = entry.Product!;
        item.Version = entry.Version!;
        Count(DirectoryKind.Equipment, item);
        foreach (var code in entry.MaintenanceCodes)
            UpsertMaintenanceCode(item, code);
    }

    private void UpsertMaintenanceCode(Equipment item, CodeEntry entry)
    {
        var code = FindOrAdd(maintenanceCodes, entry.Code!, () => new MaintenanceCode { Code = entry.Code!, Equipment = item });
        code.Equipment = item;
        code.ValidFrom = entry.ValidFrom!.Value;
        code.ValidUntil = entry.ValidUntil;
        Count(DirectoryKind.MaintenanceCode, code);
    }

    private void UpsertContact(Organization organization, ContactEntry entry)
    {
        var contact = FindOrAdd(contacts, entry.Email!, () => new Contact { Organization = organization, Name = entry.Name! });
        contact.Organization = organization;
        contact.Name = entry.Name!;
        contact.Email = entry.Email;
        contact.Phone = entry.Phone;
        contact.Language = entry.Language!.Value;
        contact.SmsOptIn = entry.SmsOptIn;
        Count(DirectoryKind.Contact, contact);
        if (entry.Login is { } login)
            UpsertLogin(login, contact.Email!, contact.Language, Roles.Customer, agent: null, contact);
    }

    private void UpsertAgent(AgentEntry entry)
    {
        var agent = FindOrAdd(agents, entry.Email!, () => new Agent { Email = entry.Email!, Name = entry.Name! });
        agent.Email = entry.Email!;
        agent.Name = entry.Name!;
        agent.Phone = entry.Phone;
        agent.Tier = entry.Tier!.Value;
        agent.Role = entry.Role!.Value;
        agent.Language = entry.Language!.Value;
        Count(DirectoryKind.Agent, agent, childrenChanged: SyncAgentGroups(agent, entry.Groups.Select(g => supportGroups[g.Code])));
        if (entry.Login is { } login)
            UpsertLogin(login, agent.Email, agent.Language, Roles.For(agent.Role), agent, contact: null);
    }

    private static bool SyncAgentGroups(Agent agent, IEnumerable<SupportGroup> wanted)
    {
        var wantedGroups = wanted.Distinct().ToList();
        var removed = agent.Groups.RemoveAll(g => !wantedGroups.Contains(g));
        var added = wantedGroups.Except(agent.Groups).ToList();
        agent.Groups.AddRange(added);
        return removed > 0 || added.Count > 0;
    }

    /// <summary>
    /// The console login of a contact or an agent, named by their email. A password is (re)hashed only when the stored
    /// hash does not already verify it: a fresh salt on every import would make a second import change the row.
    /// "login": true creates the account without a password and never removes one set later through the console.
    /// </summary>
    private void UpsertLogin(LoginEntry login, string email, Language language, string role, Agent? agent, Contact? contact)
    {
        var userName = normalizer.NormalizeName(email);
        var account = FindOrAdd(accounts, userName, () => new UserAccount
        {
            UserName = email,
            NormalizedUserName = userName,
            LockoutEnabled = true,
            PreferredLanguage = language,
        });
        account.UserName = email;
        account.NormalizedUserName = userName;
        account.Email = email;
        account.NormalizedEmail = normalizer.NormalizeEmail(email);
        account.EmailConfirmed = true;
        account.Agent = agent;
        account.Contact = contact;
        if (login.Password is { } password
            && (account.PasswordHash is null
                || passwordHasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed))
        {
            account.PasswordHash = passwordHasher.HashPassword(account, password);
            // A new password signs out sessions opened with the old one, as Identity does.
            account.SecurityStamp = Guid.NewGuid().ToString("N");
        }
        var rolesChanged = SyncRole(account, role);
        var entry = db.Entry(account);
        entry.DetectChanges();
        if (entry.State == EntityState.Modified)
            account.ConcurrencyStamp = Guid.NewGuid().ToString();
        Count(DirectoryKind.Login, account, rolesChanged);
    }

    private bool SyncRole(UserAccount account, string role)
    {
        var wantedId = Roles.IdOf(role);
        var directoryRoleIds = Roles.All.Select(Roles.IdOf).ToHashSet();
        var stale = accountRoles.Where(r => r.UserId == account.Id && r.RoleId != wantedId && directoryRoleIds.Contains(r.RoleId)).ToList();
        foreach (var row in stale)
        {
            accountRoles.Remove(row);
            db.UserRoles.Remove(row);
        }
        if (accountRoles.Any(r => r.UserId == account.Id && r.RoleId == wantedId))
            return stale.Count > 0;
        var added = new IdentityUserRole<string> { UserId = account.Id, RoleId = wantedId };
        accountRoles.Add(added);
        db.UserRoles.Add(added);
        return true;
    }

    private T FindOrAdd<T>(Dictionary<string, T> rows, string key, Func<T> create) where T : class
    {
        if (rows.TryGetValue(key, out var row))
            return row;
        row = create();
        db.Add(row);
        rows[key] = row;
        return row;
    }

    private void Count(DirectoryKind kind, object row, bool childrenChanged = false)
    {
        var entry = db.Entry(row);
        entry.DetectChanges();
        var count = counts.GetValueOrDefault(kind);
        counts[kind] = entry.State switch
        {
            EntityState.Added => count with { Added = count.Added + 1 },
            EntityState.Modified => count with { Updated = count.Updated + 1 },
            _ when childrenChanged => count with { Updated = count.Updated + 1 },
            _ => count with { Unchanged = count.Unchanged + 1 },
        };
    }

    private static Dictionary<string, T> ByKey<T>(IEnumerable<T> rows, Func<T, string?> key) =>
        rows.Where(r => key(r) is not null)
            .GroupBy(r => key(r)!, Key)
            .ToDictionary(g => g.Key, g => g.First(), Key);
}
