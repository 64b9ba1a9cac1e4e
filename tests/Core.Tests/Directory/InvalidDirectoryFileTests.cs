using System.Reflection;
using System.Text.Json.Nodes;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Directory;

/// <summary>One database holding the valid sample; every invalid variant must be refused without touching it.</summary>
public sealed class ImportedSample : IAsyncLifetime
{
    public CoreTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await CoreTestHost.StartAsync();
        var result = await Host.ImportDirectoryAsync(DirectorySamples.Valid);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class InvalidDirectoryFileTests(ImportedSample sample) : IClassFixture<ImportedSample>
{
    private static readonly Dictionary<string, Action<JsonObject>> Variants = new()
    {
        ["unknown region"] = f => f.Site(1, 0)["region"] = "xx",
        ["duplicate maintenance code"] = f => f.Code(1)["code"] = "100001",
        ["code too short"] = f => f.Code(0)["code"] = "12345",
        ["code with a letter"] = f => f.Code(0)["code"] = "12345A",
        ["code written as a number"] = f => f.Code(0)["code"] = 123456,
        ["phone not E.164"] = f => f.Contact(0, 0)["phone"] = "600 000 001",
        ["bad email"] = f => f.Agent(0)["email"] = "ana-at-soporte",
        ["unknown language"] = f => f.Contact(0, 1)["language"] = "fr",
        ["overlapping working ranges"] = f => f.Calendar(0)["hours"]!["Monday"] = new JsonArray("09:00-14:00", "13:00-19:00"),
        ["unknown time zone"] = f => f.Calendar(1)["timeZone"] = "Mars/Olympus_Mons",
        ["bad holiday"] = f => f.Calendar(0)["holidays"] = new JsonArray("2026-13-01"),
        ["unknown day"] = f => f.Calendar(1)["hours"]!["Lunes"] = new JsonArray("09:00-14:00"),
        ["unknown group"] = f => f.Agent(2)["groups"] = new JsonArray("medical", "nope"),
        ["routing min above max"] = f => f.Group(2)["routing"]![1]!["minVersion"] = "5.0",
        ["duplicate routing rule"] = f => f.Group(2)["routing"]!.AsArray().Add(new JsonObject { ["product"] = "VitalSense", ["minVersion"] = "3.0" }),
        ["no default group"] = f => f.Group(0)["default"] = false,
        ["two default groups"] = f => f.Group(1)["default"] = true,
        ["duplicate serial number"] = f => f.Equipment(1)["serialNumber"] = "vs-1",
        ["email shared by a contact and an agent"] = f => f.Agent(2)["email"] = "Lucia@hospital.example",
        ["duplicate region code"] = f => f["regions"]![1]!["code"] = "ES-MAD",
        ["duplicate organization code"] = f => f.Organization(1)["code"] = "hospital",
        ["duplicate site code"] = f => f.Organization(0)["sites"]!.AsArray().Add(f.Site(0, 0).DeepClone()),
        ["duplicate group code"] = f => f.Group(2)["code"] = "medical",
        ["validUntil before validFrom"] = f => f.Code(0)["validUntil"] = "2024-12-31",
        ["bad date"] = f => f.Code(0)["validFrom"] = "01/02/2025",
        ["unknown property"] = f => f.Site(0, 0)["regoin"] = "es-mad",
        ["missing required property"] = f => f.Agent(1).Remove("name"),
        ["tier out of range"] = f => f.Agent(0)["tier"] = 4,
        ["unknown role"] = f => f.Agent(0)["role"] = "boss",
        ["SMS opt-in without a phone"] = f => f.Contact(0, 1)["smsOptIn"] = true,
        ["short demo password"] = f => f.Contact(0, 0)["login"] = new JsonObject { ["password"] = "short" },
        ["login neither true nor a password"] = f => f.Contact(0, 1)["login"] = "yes",
        ["on-call phone not E.164"] = f => f.Group(1)["onCall"]!["tier1"] = "911",
        ["wrong type"] = f => f.Organization(0)["sites"] = "central",
        ["holiday written as a number"] = f => f.Calendar(0)["holidays"] = new JsonArray("2026-01-06", 20260101),
    };

    [Theory]
    [InlineData("unknown region", "$.organizations[1].sites[0].region", "unknown region 'xx'")]
    [InlineData("duplicate maintenance code", "$.organizations[0].sites[0].equipment[1].maintenanceCodes[0].code", "duplicate maintenance code '100001' (also at $.organizations[0].sites[0].equipment[0].maintenanceCodes[0].code)")]
    [InlineData("code too short", "$.organizations[0].sites[0].equipment[0].maintenanceCodes[0].code", "'12345' is not 6 to 12 digits")]
    [InlineData("code with a letter", "$.organizations[0].sites[0].equipment[0].maintenanceCodes[0].code", "'12345A' is not 6 to 12 digits")]
    [InlineData("code written as a number", "$.organizations[0].sites[0].equipment[0].maintenanceCodes[0].code", "not a number")]
    [InlineData("phone not E.164", "$.organizations[0].contacts[0].phone", "'600 000 001' is not an E.164 phone number")]
    [InlineData("bad email", "$.agents[0].email", "'ana-at-soporte' is not an email address")]
    [InlineData("unknown language", "$.organizations[0].contacts[1].language", "unknown language 'fr' (expected es or en)")]
    [InlineData("overlapping working ranges", "$.regions[0].calendar.hours.Monday", "'09:00-14:00' overlaps '13:00-19:00'")]
    [InlineData("unknown time zone", "$.regions[1].calendar.timeZone", "unknown time zone 'Mars/Olympus_Mons'")]
    [InlineData("bad holiday", "$.regions[0].calendar.holidays[0]", "'2026-13-01' is not a yyyy-MM-dd date")]
    [InlineData("unknown day", "$.regions[1].calendar.hours.Lunes", "not a day of the week")]
    [InlineData("unknown group", "$.agents[2].groups[1]", "unknown support group 'nope'")]
    [InlineData("routing min above max", "$.supportGroups[2].routing[1].minVersion", "'5.0' is above maxVersion '4.9'")]
    [InlineData("duplicate routing rule", "$.supportGroups[2].routing[2]", "same product and versions as $.supportGroups[1].routing[0]")]
    [InlineData("no default group", "$.supportGroups", "no default group")]
    [InlineData("two default groups", "$.supportGroups[1].default", "a second default group (the first is $.supportGroups[0])")]
    [InlineData("duplicate serial number", "$.organizations[0].sites[0].equipment[1].serialNumber", "duplicate serial number 'vs-1'")]
    [InlineData("email shared by a contact and an agent", "$.agents[2].email", "duplicate email 'Lucia@hospital.example' (also at $.organizations[0].contacts[0].email)")]
    [InlineData("duplicate region code", "$.regions[1].code", "duplicate region code 'ES-MAD'")]
    [InlineData("duplicate organization code", "$.organizations[1].code", "duplicate organization code 'hospital'")]
    [InlineData("duplicate site code", "$.organizations[0].sites[1].code", "duplicate site code in this organization 'central'")]
    [InlineData("duplicate group code", "$.supportGroups[2].code", "duplicate support group code 'medical'")]
    [InlineData("validUntil before validFrom", "$.organizations[0].sites[0].equipment[0].maintenanceCodes[0].validUntil", "2024-12-31 is before validFrom 2025-01-01")]
    [InlineData("bad date", "$.organizations[0].sites[0].equipment[0].maintenanceCodes[0].validFrom", "'01/02/2025' is not a yyyy-MM-dd date")]
    [InlineData("unknown property", "$.organizations[0].sites[0].regoin", "unknown property")]
    [InlineData("missing required property", "$.agents[1].name", "required")]
    [InlineData("tier out of range", "$.agents[0].tier", "4 is not a support tier (1 to 3)")]
    [InlineData("unknown role", "$.agents[0].role", "unknown role 'boss'")]
    [InlineData("SMS opt-in without a phone", "$.organizations[0].contacts[1].smsOptIn", "SMS opt-in needs a phone number")]
    [InlineData("short demo password", "$.organizations[0].contacts[0].login.password", "shorter than 8 characters")]
    [InlineData("login neither true nor a password", "$.organizations[0].contacts[1].login", "expected true or {\"password\": \"…\"}")]
    [InlineData("on-call phone not E.164", "$.supportGroups[1].onCall.tier1", "'911' is not an E.164 phone number")]
    [InlineData("wrong type", "$.organizations[0].sites", "expected an array, found \"central\"")]
    [InlineData("holiday written as a number", "$.regions[0].calendar.holidays[1]", "'20260101' is not a yyyy-MM-dd date")]
    public async Task Invalid_file_is_rejected_naming_the_json_path_and_nothing_is_written(string variant, string path, string message)
    {
        var before = await DatabaseRows.DumpAsync(sample.Host);
        var file = DirectorySamples.With(file =>
        {
            Variants[variant](file);
            // Renaming something valid shows that not even the valid parts of a rejected file are written.
            file.Organization(0)["name"] = "Renamed by a rejected file";
        });

        var result = await ImportAsync(file);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(before, await DatabaseRows.DumpAsync(sample.Host));
    }

    [Fact]
    public void Every_invalid_variant_has_a_case_in_the_theory()
    {
        var theory = typeof(InvalidDirectoryFileTests).GetMethod(nameof(Invalid_file_is_rejected_naming_the_json_path_and_nothing_is_written))!;
        var covered = theory.GetCustomAttributes<InlineDataAttribute>().Select(data => (string)data.GetData(theory).Single()[0]);

        Assert.Equal(Variants.Keys.Order(), covered.Order());
    }

    [Fact]
    public async Task Every_problem_in_a_file_is_listed_not_only_the_first()
    {
        var result = await ImportAsync(DirectorySamples.With(file =>
        {
            Variants["unknown region"](file);
            Variants["phone not E.164"](file);
            Variants["overlapping working ranges"](file);
            Variants["unknown group"](file);
        }));

        Assert.Equal(
            ["$.regions[0].calendar.hours.Monday", "$.organizations[1].sites[0].region", "$.organizations[0].contacts[0].phone", "$.agents[2].groups[1]"],
            result.Problems.Select(p => p.Path));
    }

    [Fact]
    public async Task Broken_json_is_rejected_with_its_line_and_position()
    {
        var broken = DirectorySamples.Valid.Replace("\"name\": \"Madrid\",", "\"name\": \"Madrid\"", StringComparison.Ordinal);

        var result = await ImportAsync(broken);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("$", problem.Path);
        Assert.StartsWith("not valid JSON at line 3, position ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_an_object_is_rejected()
    {
        var result = await ImportAsync("[]");

        Assert.Equal([new DirectoryProblem("$", "expected an object, found an array")], result.Problems);
    }

    private Task<DirectoryImportResult> ImportAsync(string json) => sample.Host.ImportDirectoryAsync(json);
}
