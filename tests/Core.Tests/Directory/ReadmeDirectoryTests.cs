using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.Core.Tests.Directory;

/// <summary>README's directory example and demo tables are what people copy and type: they must be true.</summary>
public sealed partial class ReadmeDirectoryTests : IAsyncLifetime
{
    private static readonly Lazy<string> Readme = new(() => File.ReadAllText(Path.Combine(RepositoryFolder.Root, "README.md")));

    private CoreTestHost host = null!;

    public async Task InitializeAsync() => host = await CoreTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static string Section(string title)
    {
        var start = Readme.Value.IndexOf($"## {title}\n", StringComparison.Ordinal);
        var end = Readme.Value.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return Readme.Value[start..(end < 0 ? Readme.Value.Length : end)];
    }

    private Task<DirectoryImportResult> ImportAsync(string json, bool allowPasswords) => host.ImportDirectoryAsync(json, allowPasswords);

    [Fact]
    public async Task Example_in_the_directory_file_section_imports_without_passwords()
    {
        var example = JsonBlock().Match(Section("Directory file")).Groups[1].Value;

        var result = await ImportAsync(example, allowPasswords: false);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(2, result[DirectoryKind.Login].Added);
    }

    [Fact]
    public async Task Demo_maintenance_codes_identify_the_equipment_and_group_the_readme_says()
    {
        Assert.True((await ImportAsync(DemoDirectory.Read(), allowPasswords: true)).Succeeded);
        var rows = TableRows(Section("Demo"), "maintenance code").ToList();
        var codes = await host.WithDbAsync(db => db.MaintenanceCodes.Include(c => c.Equipment).ToListAsync());
        var rules = await host.WithDbAsync(db => db.RoutingRules.Include(r => r.SupportGroup).ToListAsync());
        var defaultGroup = await host.WithDbAsync(db => db.SupportGroups.SingleAsync(g => g.IsDefault));

        Assert.Equal(codes.Select(c => c.Code).Order(), rows.Select(r => r[0].Trim('`')).Order());
        foreach (var row in rows)
        {
            var code = codes.Single(c => c.Code == row[0].Trim('`'));
            Assert.EndsWith(code.Equipment.SerialNumber, row[3], StringComparison.Ordinal);
            var group = SupportRouting.BestRule(rules, code.Equipment.Product, code.Equipment.Version)?.SupportGroup ?? defaultGroup;
            Assert.StartsWith(group.Code, row[5], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Demo_logins_sign_in_with_the_passwords_and_roles_the_readme_lists()
    {
        Assert.True((await ImportAsync(DemoDirectory.Read(), allowPasswords: true)).Succeeded);
        var accounts = await host.WithDbAsync(db => db.Users.ToDictionaryAsync(u => u.UserName!));
        var roles = await host.WithDbAsync(db => db.UserRoles.ToDictionaryAsync(r => r.UserId, r => r.RoleId));
        var rows = TableRows(Section("Demo"), "login").ToList();

        Assert.Equal(accounts.Keys.Order(), rows.Select(r => r[0].Trim('`')).Order());
        foreach (var row in rows)
        {
            var account = accounts[row[0].Trim('`')];
            Assert.Equal(Roles.IdOf(row[2]), roles[account.Id]);
            if (row[1].StartsWith('`'))
                Assert.Equal(PasswordVerificationResult.Success,
                    new PasswordHasher<UserAccount>().VerifyHashedPassword(account, account.PasswordHash!, row[1].Trim('`')));
            else
                Assert.Null(account.PasswordHash);
        }
    }

    private static IEnumerable<string[]> TableRows(string section, string firstHeader)
    {
        var lines = section.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith($"| {firstHeader} |", StringComparison.Ordinal));
        return lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray());
    }

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
