using System.Net.Mail;
using System.Text.RegularExpressions;

namespace WebTicketing.Core.Directory;

/// <summary>
/// The rules a directory file must meet before anything is written, one method per kind of entry. Every rule adds
/// its problem and carries on, so one run lists everything to fix.
/// </summary>
internal sealed partial class DirectoryRules(DirectoryFile file, bool allowPasswords, List<DirectoryProblem> problems)
{
    public const int MinPasswordLength = 8;

    // Codes, serial numbers and emails are keys: compared without regard to case, as people type them.
    private readonly Dictionary<string, string> regionCodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> groupCodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> organizationCodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> serialNumbers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> maintenanceCodes = new(StringComparer.Ordinal);

    public static void Check(DirectoryFile file, bool allowPasswords, List<DirectoryProblem> problems) =>
        new DirectoryRules(file, allowPasswords, problems).CheckAll();

    private void CheckAll()
    {
        file.Regions.ForEach(CheckRegion);
        file.Organizations.ForEach(CheckOrganization);
        CheckContacts();
        file.SupportGroups.ForEach(CheckSupportGroup);
        CheckDefaultGroup();
        CheckRoutingIsUnambiguous();
        file.Agents.ForEach(CheckAgent);
        CheckEmailsAreUnique();
    }

    private void CheckRegion(RegionEntry region)
    {
        Unique(regionCodes, region.Code, region.Path, "region code");
        // The calendar names its own fields (Hours.Monday[1]); the file spells them in camelCase under the region.
        foreach (var problem in region.Calendar?.Validate() ?? [])
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            problems.Add(colon <= 0
                ? new($"{region.Path}.calendar", problem)
                : new($"{region.Path}.calendar.{char.ToLowerInvariant(problem[0])}{problem[1..colon]}", problem[(colon + 2)..]));
        }
    }

    private void CheckOrganization(OrganizationEntry organization)
    {
        Unique(organizationCodes, organization.Code, organization.Path, "organization code");
        var siteCodes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var site in organization.Sites)
        {
            Unique(siteCodes, site.Code, site.Path, "site code in this organization");
            CheckSite(site);
        }
    }

    private void CheckSite(SiteEntry site)
    {
        if (site.Region is not null && !regionCodes.ContainsKey(site.Region))
            problems.Add(new($"{site.Path}.region", $"unknown region '{site.Region}'"));
        foreach (var equipment in site.Equipment)
        {
            Unique(serialNumbers, equipment.SerialNumber, equipment.Path, "serial number", ".serialNumber");
            equipment.MaintenanceCodes.ForEach(CheckMaintenanceCode);
        }
    }

    private void CheckMaintenanceCode(CodeEntry code)
    {
        if (code.Code is not null && !MaintenanceCode.IsWellFormed(code.Code))
            problems.Add(new($"{code.Path}.code", $"'{code.Code}' is not {MaintenanceCode.MinLength} to {MaintenanceCode.MaxLength} digits"));
        else
            Unique(maintenanceCodes, code.Code, code.Path, "maintenance code");
        if (code.ValidUntil < code.ValidFrom)
            problems.Add(new($"{code.Path}.validUntil", $"{code.ValidUntil:yyyy-MM-dd} is before validFrom {code.ValidFrom:yyyy-MM-dd}"));
    }

    private void CheckContacts()
    {
        foreach (var contact in file.Contacts)
        {
            CheckPhone(contact.Phone, $"{contact.Path}.phone");
            CheckEmail(contact.Email, $"{contact.Path}.email");
            if (contact.SmsOptIn && contact.Phone is null)
                problems.Add(new($"{contact.Path}.smsOptIn", "SMS opt-in needs a phone number"));
            CheckLogin(contact.Login);
        }
    }

    private void CheckSupportGroup(SupportGroupEntry group)
    {
        Unique(groupCodes, group.Code, group.Path, "support group code");
        for (var tier = 1; tier <= SupportGroup.TopTier; tier++)
            CheckPhone(group.OnCall[tier - 1], group.OnCallPath(tier));
        foreach (var rule in group.Routing)
        {
            if (rule.MinVersion is not null && rule.MaxVersion is not null
                && SupportRouting.CompareVersions(rule.MinVersion, rule.MaxVersion) > 0)
                problems.Add(new($"{rule.Path}.minVersion", $"'{rule.MinVersion}' is above maxVersion '{rule.MaxVersion}'"));
        }
    }

    private void CheckDefaultGroup()
    {
        // Cases no rule matches go to the default group, so there must be exactly one to take them.
        var defaults = file.SupportGroups.Where(g => g.IsDefault).ToList();
        if (defaults.Count == 0)
            problems.Add(new("$.supportGroups", "no default group: mark exactly one group \"default\": true"));
        foreach (var extra in defaults.Skip(1))
            problems.Add(new($"{extra.Path}.default", $"a second default group (the first is {defaults[0].Path})"));
    }

    private void CheckRoutingIsUnambiguous()
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in file.SupportGroups.SelectMany(g => g.Routing))
        {
            if (rule.Product is null) continue;
            // Two groups claiming the same product and range leave no rule more specific than the other.
            var key = $"{rule.Product}|{rule.MinVersion}|{rule.MaxVersion}";
            if (!seen.TryAdd(key, rule.Path))
                problems.Add(new(rule.Path, $"duplicate routing rule: same product and versions as {seen[key]}"));
        }
    }

    private void CheckAgent(AgentEntry agent)
    {
        CheckEmail(agent.Email, $"{agent.Path}.email");
        CheckPhone(agent.Phone, $"{agent.Path}.phone");
        if (agent.Tier is < 1 or > SupportGroup.TopTier)
            problems.Add(new($"{agent.Path}.tier", $"{agent.Tier} is not a support tier (1 to {SupportGroup.TopTier})"));
        foreach (var (code, path) in agent.Groups)
        {
            if (!groupCodes.ContainsKey(code))
                problems.Add(new(path, $"unknown support group '{code}'"));
        }
        CheckLogin(agent.Login);
    }

    private void CheckEmailsAreUnique()
    {
        // An email is a person's key and their login name: one person per email across customers and staff.
        var emails = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (email, path) in file.Contacts.Select(c => (c.Email, c.Path)).Concat(file.Agents.Select(a => (a.Email, a.Path))))
            Unique(emails, email, path, "email", ".email");
    }

    private void CheckLogin(LoginEntry? login)
    {
        if (login?.Password is not { } password) return;
        if (!allowPasswords)
            problems.Add(new($"{login.Path}.password", "passwords in the file are for demo directories only (Development environment); use \"login\": true and send a set-password link"));
        else if (password.Length < MinPasswordLength)
            problems.Add(new($"{login.Path}.password", $"shorter than {MinPasswordLength} characters"));
    }

    private void CheckPhone(string? phone, string path)
    {
        if (phone is not null && !IsE164(phone))
            problems.Add(new(path, $"'{phone}' is not an E.164 phone number (+ and country code, digits only: +34600000001)"));
    }

    private void CheckEmail(string? email, string path)
    {
        if (email is not null && !IsEmail(email))
            problems.Add(new(path, $"'{email}' is not an email address"));
    }

    private void Unique(Dictionary<string, string> seen, string? key, string path, string what, string field = ".code")
    {
        if (key is null) return;
        if (!seen.TryAdd(key, path + field))
            problems.Add(new(path + field, $"duplicate {what} '{key}' (also at {seen[key]})"));
    }

    public static bool IsE164(string phone) => E164().IsMatch(phone);

    public static bool IsEmail(string email) =>
        MailAddress.TryCreate(email, out var address) && address.Address == email && address.Host.Contains('.', StringComparison.Ordinal);

    // ITU-T E.164: a country code that never starts with 0, at most 15 digits in all; the shortest numbers in use have 7.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
