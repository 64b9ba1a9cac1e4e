using System.Text.Json;
using WebTicketing.Core.Sla;

namespace WebTicketing.Core.Directory;

/// <summary>
/// The directory file as read, before any rule is checked. Every entry keeps its JSON path for the problems it may
/// cause; a value that was missing or mistyped is null here, already reported, and skipped by the rules.
/// </summary>
internal sealed record DirectoryFile(
    List<RegionEntry> Regions,
    List<OrganizationEntry> Organizations,
    List<SupportGroupEntry> SupportGroups,
    List<AgentEntry> Agents)
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };

    public IEnumerable<ContactEntry> Contacts => Organizations.SelectMany(o => o.Contacts);
    public IEnumerable<SiteEntry> Sites => Organizations.SelectMany(o => o.Sites);
    public IEnumerable<EquipmentEntry> Equipment => Sites.SelectMany(s => s.Equipment);
    public IEnumerable<CodeEntry> MaintenanceCodes => Equipment.SelectMany(e => e.MaintenanceCodes);

    /// <summary>Null when the text is not JSON at all; otherwise what could be read, with the shape problems added.</summary>
    public static DirectoryFile? Read(string json, List<DirectoryProblem> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            problems.Add(new("$", SyntaxMessage(e)));
            return null;
        }
        using (document)
        {
            var root = JsonObjectReader.Open(document.RootElement, "$", problems, "regions", "organizations", "supportGroups", "agents");
            if (root is null) return null;
            return new DirectoryFile(
                root.Array("regions").Select(e => RegionEntry.Read(e.Item, e.Path, problems)).OfType<RegionEntry>().ToList(),
                root.Array("organizations").Select(e => OrganizationEntry.Read(e.Item, e.Path, problems)).OfType<OrganizationEntry>().ToList(),
                root.Array("supportGroups").Select(e => SupportGroupEntry.Read(e.Item, e.Path, problems)).OfType<SupportGroupEntry>().ToList(),
                root.Array("agents").Select(e => AgentEntry.Read(e.Item, e.Path, problems)).OfType<AgentEntry>().ToList());
        }
    }

    private static string SyntaxMessage(JsonException e)
    {
        // System.Text.Json appends "LineNumber: 3 | BytePositionInLine: 4." (both zero-based): say it the way editors count.
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        return $"not valid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {message}";
    }
}

internal sealed record RegionEntry(string Path, string? Code, string? Name, BusinessCalendarOptions? Calendar)
{
    public static RegionEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "code", "name", "calendar");
        if (reader is null) return null;
        BusinessCalendarOptions? calendar = null;
        if (reader.Value("calendar") is { } value)
            calendar = ReadCalendar(value, reader.At("calendar"), problems);
        else
            reader.Problem("calendar", "required");
        return new RegionEntry(path, reader.String("code"), reader.String("name"), calendar);
    }

    private static BusinessCalendarOptions? ReadCalendar(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "timeZone", "hours", "holidays");
        if (reader is null) return null;
        var calendar = new BusinessCalendarOptions
        {
            // Validate() reports a missing time zone itself, naming the field.
            TimeZone = reader.String("timeZone", required: false) ?? "",
            Holidays = reader.Array("holidays").Select(entry => CalendarText(entry.Item)).ToList(),
        };
        if (reader.Value("hours") is { } hours)
        {
            if (hours.ValueKind != JsonValueKind.Object)
                reader.Problem("hours", $"expected an object of day names, found {JsonObjectReader.Describe(hours)}");
            else
                foreach (var day in hours.EnumerateObject())
                {
                    var dayPath = $"{reader.At("hours")}.{day.Name}";
                    if (day.Value.ValueKind != JsonValueKind.Array)
                        problems.Add(new(dayPath, $"expected an array of \"HH:mm-HH:mm\" ranges, found {JsonObjectReader.Describe(day.Value)}"));
                    else if (!calendar.Hours.TryAdd(day.Name, day.Value.EnumerateArray().Select(CalendarText).ToList()))
                        problems.Add(new(dayPath, "day appears twice"));
                }
        }
        return calendar;
    }

    /// <summary>A value that is not a string goes to the calendar as written, so its own check reports it at its index.</summary>
    private static string CalendarText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : value.GetRawText();
}

internal sealed record OrganizationEntry(string Path, string? Code, string? Name, List<SiteEntry> Sites, List<ContactEntry> Contacts)
{
    public static OrganizationEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "code", "name", "sites", "contacts");
        if (reader is null) return null;
        return new OrganizationEntry(path, reader.String("code"), reader.String("name"),
            reader.Array("sites").Select(e => SiteEntry.Read(e.Item, e.Path, problems)).OfType<SiteEntry>().ToList(),
            reader.Array("contacts").Select(e => ContactEntry.Read(e.Item, e.Path, problems)).OfType<ContactEntry>().ToList());
    }
}

internal sealed record SiteEntry(string Path, string? Code, string? Name, string Address, string? Region, List<EquipmentEntry> Equipment)
{
    public static SiteEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "code", "name", "address", "region", "equipment");
        if (reader is null) return null;
        return new SiteEntry(path, reader.String("code"), reader.String("name"), reader.String("address", required: false) ?? "",
            reader.String("region"),
            reader.Array("equipment").Select(e => EquipmentEntry.Read(e.Item, e.Path, problems)).OfType<EquipmentEntry>().ToList());
    }
}

internal sealed record EquipmentEntry(string Path, string? SerialNumber, string? Product, string? Version, List<CodeEntry> MaintenanceCodes)
{
    public static EquipmentEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "serialNumber", "product", "version", "maintenanceCodes");
        if (reader is null) return null;
        return new EquipmentEntry(path, reader.String("serialNumber"), reader.String("product"), reader.String("version"),
            reader.Array("maintenanceCodes").Select(e => CodeEntry.Read(e.Item, e.Path, problems)).OfType<CodeEntry>().ToList());
    }
}

internal sealed record CodeEntry(string Path, string? Code, DateOnly? ValidFrom, DateOnly? ValidUntil)
{
    public static CodeEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "code", "validFrom", "validUntil");
        if (reader is null) return null;
        if (reader.Value("code") is { ValueKind: JsonValueKind.Number })
        {
            // A number would silently lose leading zeros, and callers key in every digit.
            reader.Problem("code", "write the code as a string of 6 to 12 digits (\"004512\"), not a number");
            return new CodeEntry(path, null, reader.Date("validFrom"), reader.Date("validUntil", required: false));
        }
        return new CodeEntry(path, reader.String("code"), reader.Date("validFrom"), reader.Date("validUntil", required: false));
    }
}

/// <summary>What a person's <c>login</c> asks for: an account, and for demo directories its password.</summary>
internal sealed record LoginEntry(string Path, string? Password)
{
    public static LoginEntry? Read(JsonObjectReader owner, List<DirectoryProblem> problems)
    {
        var path = owner.At("login");
        switch (owner.Value("login"))
        {
            case null or { ValueKind: JsonValueKind.False }:
                return null;
            case { ValueKind: JsonValueKind.True }:
                return new LoginEntry(path, null);
            case { ValueKind: JsonValueKind.Object } value:
                var reader = JsonObjectReader.Open(value, path, problems, "password")!;
                // A password is taken as typed: spaces are characters like any other.
                return new LoginEntry(path, reader.String("password", trim: false));
            case { } value:
                problems.Add(new(path, $"expected true or {{\"password\": \"…\"}}, found {JsonObjectReader.Describe(value)}"));
                return null;
        }
    }
}

internal sealed record ContactEntry(string Path, string? Name, string? Phone, string? Email, Language? Language, bool SmsOptIn, LoginEntry? Login)
{
    public static ContactEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "name", "phone", "email", "language", "smsOptIn", "login");
        if (reader is null) return null;
        return new ContactEntry(path, reader.String("name"), reader.String("phone", required: false), reader.String("email"),
            reader.Choice<Language>("language", "language"), reader.Bool("smsOptIn"), LoginEntry.Read(reader, problems));
    }
}

internal sealed record RoutingEntry(string Path, string? Product, string? MinVersion, string? MaxVersion)
{
    public static RoutingEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "product", "minVersion", "maxVersion");
        if (reader is null) return null;
        return new RoutingEntry(path, reader.String("product"), reader.String("minVersion", required: false), reader.String("maxVersion", required: false));
    }
}

internal sealed record SupportGroupEntry(
    string Path, string? Code, string? Name, bool IsDefault, string?[] OnCall, List<RoutingEntry> Routing)
{
    public static SupportGroupEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "code", "name", "default", "onCall", "routing");
        if (reader is null) return null;
        var onCall = new string?[SupportGroup.TopTier];
        if (reader.Value("onCall") is { } value && JsonObjectReader.Open(value, reader.At("onCall"), problems, "tier1", "tier2", "tier3") is { } tiers)
        {
            for (var tier = 1; tier <= SupportGroup.TopTier; tier++)
                onCall[tier - 1] = tiers.String($"tier{tier}", required: false);
        }
        return new SupportGroupEntry(path, reader.String("code"), reader.String("name"), reader.Bool("default"), onCall,
            reader.Array("routing").Select(e => RoutingEntry.Read(e.Item, e.Path, problems)).OfType<RoutingEntry>().ToList());
    }

    public string OnCallPath(int tier) => $"{Path}.onCall.tier{tier}";
}

internal sealed record AgentEntry(
    string Path, string? Email, string? Name, string? Phone, int? Tier, AgentRole? Role, Language? Language,
    List<(string Code, string Path)> Groups, LoginEntry? Login)
{
    public static AgentEntry? Read(JsonElement item, string path, List<DirectoryProblem> problems)
    {
        var reader = JsonObjectReader.Open(item, path, problems, "email", "name", "phone", "tier", "role", "language", "groups", "login");
        if (reader is null) return null;
        var groups = reader.Array("groups")
            .Select(e => (Code: reader.StringItem(e.Item, e.Path), e.Path))
            .Where(g => g.Code is not null)
            .Select(g => (g.Code!, g.Path))
            .ToList();
        var role = reader.Value("role") is null ? AgentRole.Agent : reader.Choice<AgentRole>("role", "role");
        return new AgentEntry(path, reader.String("email"), reader.String("name"), reader.String("phone", required: false),
            reader.Int("tier") ?? 1, role, reader.Choice<Language>("language", "language"), groups, LoginEntry.Read(reader, problems));
    }
}
