using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using WebTicketing.AgentConsole.Tests.Support;

namespace WebTicketing.AgentConsole.Tests;

public sealed class DirectoryUploadTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    private readonly ConsoleApp app = console.App;

    private const string ValidDirectory = """
        {
          "regions": [{ "code": "upload-region", "name": "Upload", "calendar": { "timeZone": "Europe/Madrid", "hours": { "Monday": ["09:00-17:00"] } } }],
          "organizations": [{ "code": "upload-org", "name": "Uploaded Org", "sites": [], "contacts": [] }],
          "supportGroups": [{ "code": "upload-default", "name": "Upload default", "default": true }],
          "agents": []
        }
        """;

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string json)
    {
        var token = await client.AntiforgeryTokenAsync("/admin/directory");
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new StringContent(json);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "Upload", "directory.json");
        return await client.PostAsync("/admin/directory", form);
    }

    [Fact]
    public async Task Admin_uploads_a_valid_directory_and_sees_what_changed()
    {
        using var admin = await app.SignedInAsync(ConsoleData.AdminEmail);

        var response = await UploadAsync(admin, ValidDirectory);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"directory-imported\"", await response.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Code == "upload-org")));
    }

    [Fact]
    public async Task An_invalid_directory_lists_each_problem_with_its_json_path_and_writes_nothing()
    {
        using var admin = await app.SignedInAsync(ConsoleData.AdminEmail);
        var invalid = ValidDirectory.Replace("Europe/Madrid", "Mars/Base").Replace("upload-org", "upload-bad-org");

        var response = await UploadAsync(admin, invalid);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("$.regions[0].calendar.timeZone", html);
        Assert.False(await app.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Code == "upload-bad-org")));
    }

    [Fact]
    public async Task Only_admins_reach_the_directory_upload()
    {
        using var agent = await app.SignedInAsync(ConsoleData.AgentEmail);
        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });

        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/admin/directory")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/admin/directory")).StatusCode);
    }
}
