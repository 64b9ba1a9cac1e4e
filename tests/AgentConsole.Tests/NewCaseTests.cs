using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Tests.Support;
using WebTicketing.Core.Cases;

namespace WebTicketing.AgentConsole.Tests;

public sealed partial class NewCaseTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private readonly ConsoleApp app = console.App;

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string page, Guid key, Dictionary<string, string> fields, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(await client.AntiforgeryTokenAsync(page)), "__RequestVerificationToken" },
            { new StringContent(key.ToString()), "Input.OpeningKey" },
        };
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        foreach (var (name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(content, "Input.Files", name);
        }
        return await client.PostAsync(page, form);
    }

    private Task<List<Case>> CasesDescribedAsync(string description) =>
        app.WithDbAsync(db => db.Cases.AsNoTracking().Where(c => c.Description == description).ToListAsync());

    [Fact]
    public async Task Customer_opens_a_case_with_an_image_and_a_double_submit_opens_one_case()
    {
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);
        var key = Guid.NewGuid();
        var fields = new Dictionary<string, string>
        {
            ["Input.EquipmentId"] = app.Data.AcmeRouter.Id.ToString(CultureInfo.InvariantCulture),
            ["Input.Severity"] = "Major",
            ["Input.Description"] = "Web case with a photo",
        };

        var first = await SubmitAsync(customer, "/cases/new", key, fields, ("photo.png", Png));
        var second = await SubmitAsync(customer, "/cases/new", key, fields, ("photo.png", Png));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var opened = Assert.Single(await CasesDescribedAsync("Web case with a photo"));
        Assert.Equal(Channel.Web, opened.Channel);
        Assert.Equal(app.Data.Network.Id, opened.SupportGroupId);
        var page = await customer.GetStringAsync($"/cases/{opened.Number}");
        var link = AttachmentLink().Match(page);
        Assert.True(link.Success);
        var download = await customer.GetAsync(link.Groups[1].Value);
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        using var stranger = await app.SignedInAsync(ConsoleData.GlobexEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(link.Groups[1].Value)).StatusCode);
        Assert.Empty(System.IO.Directory.GetFiles(Path.Combine(app.Root), "*.png", SearchOption.TopDirectoryOnly));
        Assert.Single(System.IO.Directory.GetFiles(Path.Combine(app.Root, "attachments"), "*.png", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_program_named_like_an_image_is_refused_and_no_case_is_opened()
    {
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var response = await SubmitAsync(customer, "/cases/new", Guid.NewGuid(), new()
        {
            ["Input.EquipmentId"] = app.Data.AcmeRouter.Id.ToString(CultureInfo.InvariantCulture),
            ["Input.Severity"] = "Minor",
            ["Input.Description"] = "Case with a disguised program",
        }, ("cat.png", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Empty(await CasesDescribedAsync("Case with a disguised program"));
    }

    [Fact]
    public async Task Customer_cannot_open_a_case_on_another_organizations_equipment_or_code()
    {
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var byId = await SubmitAsync(customer, "/cases/new", Guid.NewGuid(), new()
        {
            ["Input.EquipmentId"] = app.Data.GlobexArray.Id.ToString(CultureInfo.InvariantCulture),
            ["Input.Severity"] = "Minor",
            ["Input.Description"] = "Sneaky case",
        });
        var byCode = await SubmitAsync(customer, "/cases/new", Guid.NewGuid(), new()
        {
            ["Input.MaintenanceCode"] = "222222",
            ["Input.Severity"] = "Minor",
            ["Input.Description"] = "Sneaky case",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, byId.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, byCode.StatusCode);
        Assert.Empty(await CasesDescribedAsync("Sneaky case"));
    }

    [Fact]
    public async Task Customer_opens_a_case_by_maintenance_code()
    {
        using var customer = await app.SignedInAsync(ConsoleData.AcmeEmail);

        var response = await SubmitAsync(customer, "/cases/new", Guid.NewGuid(), new()
        {
            ["Input.MaintenanceCode"] = "111111",
            ["Input.Severity"] = "Critical",
            ["Input.Description"] = "Opened by code",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var opened = Assert.Single(await CasesDescribedAsync("Opened by code"));
        Assert.Equal(app.Data.AcmeRouter.Id, opened.EquipmentId);
        Assert.Equal(app.Data.Ana.Id, opened.ContactId);
    }

    [Fact]
    public async Task Agent_opens_a_case_on_behalf_of_a_customer_contact()
    {
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        var page = $"/cases/new?organization={app.Data.Globex.Id}";

        var response = await SubmitAsync(agent, page, Guid.NewGuid(), new()
        {
            ["Input.EquipmentId"] = app.Data.GlobexArray.Id.ToString(CultureInfo.InvariantCulture),
            ["Input.ContactId"] = app.Data.Bob.Id.ToString(CultureInfo.InvariantCulture),
            ["Input.Severity"] = "Major",
            ["Input.Description"] = "Opened for Bob",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var opened = Assert.Single(await CasesDescribedAsync("Opened for Bob"));
        Assert.Equal(app.Data.Bob.Id, opened.ContactId);
        Assert.Equal(app.Data.Globex.Id, opened.OrganizationId);
    }

    [GeneratedRegex("href=\"(/cases/\\d{8}/attachments/\\d+)\"")]
    private static partial Regex AttachmentLink();
}
