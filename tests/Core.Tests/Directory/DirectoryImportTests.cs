using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Directory;

public sealed class DirectoryImportTests : IAsyncLifetime
{
    private CoreTestHost host = null!;

    public async Task InitializeAsync() => host = await CoreTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<DirectoryImportResult> ImportAsync(string json, bool allowPasswords = true) => host.ImportDirectoryAsync(json, allowPasswords);

    private async Task<DirectoryImportResult> ImportValidAsync(string json)
    {
        var result = await ImportAsync(json);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        return result;
    }

    [Fact]
    public async Task Valid_file_imports_every_kind_and_counts_what_it_added()
    {
        var result = await ImportValidAsync(DirectorySamples.Valid);

        Assert.Equal(new ChangeCount(2, 0, 0), result[DirectoryKind.Region]);
        Assert.Equal(new ChangeCount(2, 0, 0), result[DirectoryKind.Organization]);
        Assert.Equal(new ChangeCount(2, 0, 0), result[DirectoryKind.Site]);
        Assert.Equal(new ChangeCount(3, 0, 0), result[DirectoryKind.Equipment]);
        Assert.Equal(new ChangeCount(3, 0, 0), result[DirectoryKind.MaintenanceCode]);
        Assert.Equal(new ChangeCount(3, 0, 0), result[DirectoryKind.Contact]);
        Assert.Equal(new ChangeCount(3, 0, 0), result[DirectoryKind.SupportGroup]);
        Assert.Equal(new ChangeCount(3, 0, 0), result[DirectoryKind.Agent]);
        Assert.Equal(new ChangeCount(4, 0, 0), result[DirectoryKind.Login]);
    }

    [Fact]
    public async Task Maintenance_code_identifies_its_equipment_site_region_and_organization()
    {
        await ImportValidAsync(DirectorySamples.Valid);

        var code = await host.WithDbAsync(db => db.MaintenanceCodes
            .Include(c => c.Equipment).ThenInclude(e => e.Site).ThenInclude(s => s.Organization)
            .Include(c => c.Equipment).ThenInclude(e => e.Site).ThenInclude(s => s.Region)
            .SingleAsync(c => c.Code == "0100002"));
        Assert.Equal("VS-2", code.Equipment.SerialNumber);
        Assert.Equal("2.4", code.Equipment.Version);
        Assert.Equal("central", code.Equipment.Site.Code);
        Assert.Equal("hospital", code.Equipment.Site.Organization.Code);
        Assert.Equal("Europe/Madrid", code.Equipment.Site.Region.TimeZone);
        Assert.Equal(new DateOnly(2026, 1, 1), code.ValidFrom);
        Assert.Null(code.ValidUntil);
    }

    [Fact]
    public async Task Region_calendar_keeps_split_shifts_and_holidays()
    {
        await ImportValidAsync(DirectorySamples.Valid);

        var madrid = await host.WithDbAsync(db => db.Regions.SingleAsync(r => r.Code == "es-mad"));
        Assert.Equal(["09:00-14:00", "16:00-19:00"], madrid.Calendar.Hours["Monday"]);
        Assert.Equal(["08:00-15:00"], madrid.Calendar.Hours["Friday"]);
        Assert.Equal(["2026-01-06"], madrid.Calendar.Holidays);
        Assert.Empty(madrid.Calendar.Validate());
    }

    [Theory]
    [InlineData("VitalSense", "3.6", "medical")]
    [InlineData("VitalSense", "2.4", "medical-legacy")]
    [InlineData("InfuPump", "4.2", "medical-legacy")]
    public async Task Imported_routing_rules_send_each_version_to_its_group(string product, string version, string group)
    {
        await ImportValidAsync(DirectorySamples.Valid);

        var rules = await host.WithDbAsync(db => db.RoutingRules.Include(r => r.SupportGroup).ToListAsync());
        Assert.Equal(group, SupportRouting.BestRule(rules, product, version)?.SupportGroup.Code);
    }

    [Fact]
    public async Task Support_groups_agents_and_contacts_keep_their_details()
    {
        await ImportValidAsync(DirectorySamples.Valid);

        var general = await host.WithDbAsync(db => db.SupportGroups.SingleAsync(g => g.IsDefault));
        Assert.Equal("general", general.Code);
        Assert.Equal(("+34600000090", (string?)null, "+34600000092"), (general.OnCallPhone(1), general.OnCallPhone(2), general.OnCallPhone(3)));
        var agents = await host.WithDbAsync(db => db.Agents.Include(a => a.Groups).ToDictionaryAsync(a => a.Email));
        Assert.Equal(["general", "medical"], agents["ana@soporte.example"].Groups.Select(g => g.Code).Order());
        Assert.Equal((3, AgentRole.Supervisor), (agents["elena@soporte.example"].Tier, agents["elena@soporte.example"].Role));
        Assert.Equal(Language.En, agents["sam@soporte.example"].Language);
        var contacts = await host.WithDbAsync(db => db.Contacts.Include(c => c.Organization).ToDictionaryAsync(c => c.Email!));
        Assert.Equal(("hospital", "+34600000001", true), (contacts["lucia@hospital.example"].Organization.Code, contacts["lucia@hospital.example"].Phone, contacts["lucia@hospital.example"].SmsOptIn));
        Assert.Equal(Language.Es, contacts["javier@hospital.example"].Language);
        Assert.Equal("valle", contacts["lupe@valle.example"].Organization.Code);
    }

    [Fact]
    public async Task Logins_get_their_role_a_verifiable_demo_password_or_none_and_a_link_to_their_person()
    {
        await ImportValidAsync(DirectorySamples.Valid);

        var accounts = await host.WithDbAsync(db => db.Users.ToDictionaryAsync(u => u.UserName!));
        var roles = await host.WithDbAsync(db => db.UserRoles.ToDictionaryAsync(r => r.UserId, r => r.RoleId));
        Assert.Equal(["ana@soporte.example", "elena@soporte.example", "lucia@hospital.example", "lupe@valle.example"], accounts.Keys.Order());
        var lucia = accounts["lucia@hospital.example"];
        Assert.Equal(Roles.IdOf(Roles.Customer), roles[lucia.Id]);
        Assert.Equal("LUCIA@HOSPITAL.EXAMPLE", lucia.NormalizedUserName);
        Assert.True(lucia.EmailConfirmed);
        Assert.NotNull(lucia.ContactId);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<UserAccount>().VerifyHashedPassword(lucia, lucia.PasswordHash!, "demo-cliente-1"));
        Assert.Null(accounts["lupe@valle.example"].PasswordHash);
        Assert.Equal(Roles.IdOf(Roles.Agent), roles[accounts["ana@soporte.example"].Id]);
        Assert.NotNull(accounts["ana@soporte.example"].AgentId);
        Assert.Equal(Roles.IdOf(Roles.Supervisor), roles[accounts["elena@soporte.example"].Id]);
        Assert.Null(accounts["elena@soporte.example"].PasswordHash);
    }

    [Fact]
    public async Task Importing_the_same_file_twice_changes_no_row()
    {
        await ImportValidAsync(DirectorySamples.Valid);
        var before = await DatabaseRows.DumpAsync(host);

        var second = await ImportValidAsync(DirectorySamples.Valid);

        Assert.Equal(0, second.Changes);
        Assert.Equal(new ChangeCount(0, 0, 4), second[DirectoryKind.Login]);
        Assert.Equal(new ChangeCount(0, 0, 3), second[DirectoryKind.MaintenanceCode]);
        Assert.Equal(before, await DatabaseRows.DumpAsync(host));
    }

    [Fact]
    public async Task Second_import_updates_what_changed_and_only_that()
    {
        await ImportValidAsync(DirectorySamples.Valid);
        var hashBefore = await host.WithDbAsync(db => db.Users.Where(u => u.UserName == "ana@soporte.example").Select(u => u.PasswordHash).SingleAsync());

        var result = await ImportValidAsync(DirectorySamples.With(file =>
        {
            file.Organization(0)["name"] = "Hospital Demo renamed";
            file.Site(1, 0)["equipment"]!.AsArray().Add(file.Equipment(1).DeepClone()); // VS-2 moves to Mexico
            file.Site(0, 0)["equipment"]!.AsArray().RemoveAt(1);
            file.Group(2)["routing"]!.AsArray().RemoveAt(1);
            file.Agent(0)["groups"] = new System.Text.Json.Nodes.JsonArray("medical");
            file.Agent(0)["login"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "password": "a-new-password" }""");
        }));

        Assert.Equal(new ChangeCount(0, 1, 1), result[DirectoryKind.Organization]);
        Assert.Equal(new ChangeCount(0, 1, 2), result[DirectoryKind.Equipment]);
        Assert.Equal(new ChangeCount(0, 1, 2), result[DirectoryKind.SupportGroup]);
        Assert.Equal(new ChangeCount(0, 1, 2), result[DirectoryKind.Agent]);
        Assert.Equal(new ChangeCount(0, 1, 3), result[DirectoryKind.Login]);
        var moved = await host.WithDbAsync(db => db.Equipment.Include(e => e.Site).SingleAsync(e => e.SerialNumber == "VS-2"));
        Assert.Equal("cedis", moved.Site.Code);
        Assert.Equal(1, await host.WithDbAsync(db => db.RoutingRules.CountAsync(r => r.SupportGroup.Code == "medical-legacy")));
        var ana = await host.WithDbAsync(db => db.Users.SingleAsync(u => u.UserName == "ana@soporte.example"));
        Assert.NotEqual(hashBefore, ana.PasswordHash);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<UserAccount>().VerifyHashedPassword(ana, ana.PasswordHash!, "a-new-password"));
    }

    [Fact]
    public async Task Rows_missing_from_a_later_file_are_left_alone_but_the_file_names_the_one_default_group()
    {
        await ImportValidAsync(DirectorySamples.Valid);

        await ImportValidAsync(DirectorySamples.With(file =>
        {
            file["organizations"]!.AsArray().RemoveAt(1);
            file["supportGroups"]!.AsArray().RemoveAt(0);
            file.Group(0)["default"] = true;
            file["agents"]!.AsArray().RemoveAt(0);
            file.Agent(0)["groups"] = new System.Text.Json.Nodes.JsonArray("medical");
        }));

        Assert.True(await host.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Code == "valle")));
        Assert.True(await host.WithDbAsync(db => db.Agents.AnyAsync(a => a.Email == "ana@soporte.example")));
        Assert.Equal(["medical"], await host.WithDbAsync(db => db.SupportGroups.Where(g => g.IsDefault).Select(g => g.Code).ToListAsync()));
    }

    [Fact]
    public async Task Account_without_password_in_the_file_keeps_the_password_set_later_through_the_console()
    {
        await ImportValidAsync(DirectorySamples.Valid);
        await host.WithDbAsync(async db =>
        {
            var lupe = await db.Users.SingleAsync(u => u.UserName == "lupe@valle.example");
            lupe.PasswordHash = new PasswordHasher<UserAccount>().HashPassword(lupe, "chosen-by-lupe");
            return await db.SaveChangesAsync();
        });

        var second = await ImportValidAsync(DirectorySamples.Valid);

        Assert.Equal(0, second.Changes);
        var account = await host.WithDbAsync(db => db.Users.SingleAsync(u => u.UserName == "lupe@valle.example"));
        Assert.NotNull(account.PasswordHash);
    }

    [Fact]
    public async Task Passwords_in_the_file_are_refused_outside_demo_imports()
    {
        var result = await ImportAsync(DirectorySamples.Valid, allowPasswords: false);

        Assert.Equal(
            ["$.organizations[0].contacts[0].login.password", "$.agents[0].login.password"],
            result.Problems.Select(p => p.Path));
        Assert.False(await host.WithDbAsync(db => db.Organizations.AnyAsync()));
    }

    [Fact]
    public async Task Shipped_demo_directory_imports_cleanly_with_staff_in_every_tier_and_a_login_per_customer()
    {
        var result = await ImportValidAsync(DemoDirectory.Read());

        Assert.True(result[DirectoryKind.SupportGroup].Added >= 3);
        var zones = await host.WithDbAsync(db => db.Regions.ToListAsync());
        Assert.True(zones.Select(r => r.TimeZone).Distinct().Count() >= 2);
        var agents = await host.WithDbAsync(db => db.Agents.ToListAsync());
        Assert.Equal([1, 2, 3], agents.Select(a => a.Tier).Distinct().Order());
        Assert.Contains(agents, a => a.Role == AgentRole.Supervisor);
        Assert.Contains(agents, a => a.Role == AgentRole.Admin);
        var organizations = await host.WithDbAsync(db => db.Organizations.Select(o => o.Id).ToListAsync());
        var customerLogins = await host.WithDbAsync(db => db.Users.Where(u => u.Contact != null && u.PasswordHash != null)
            .Select(u => u.Contact!.OrganizationId).ToListAsync());
        Assert.Equal(organizations.Order(), customerLogins.Order());
        Assert.Contains(await host.WithDbAsync(db => db.Contacts.ToListAsync()), c => c.Language == Language.En);
    }
}
