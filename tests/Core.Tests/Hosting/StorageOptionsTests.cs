using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Hosting;

public sealed class StorageOptionsTests
{
    [Fact]
    public async Task Recordings_and_attachments_live_under_the_storage_root_unless_shared_folders_are_configured()
    {
        var shared = Path.Combine(Path.GetTempPath(), "webticketing-tests", "shared-recordings");
        var attachments = Path.Combine(Path.GetTempPath(), "webticketing-tests", "shared-attachments");
        await using var byDefault = await CoreTestHost.StartAsync();
        await using var onShare = await CoreTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:Recordings"] = shared,
            ["Storage:Attachments"] = attachments,
        });

        Assert.Equal(Path.Combine(byDefault.Root, "recordings"), Options(byDefault).RecordingsPath);
        Assert.Equal(Path.Combine(byDefault.Root, "attachments"), Options(byDefault).AttachmentsPath);
        Assert.Equal(shared, Options(onShare).RecordingsPath);
        Assert.Equal(attachments, Options(onShare).AttachmentsPath);
    }

    private static StorageOptions Options(CoreTestHost host) => host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
}
