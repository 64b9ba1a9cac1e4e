using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebTicketing.Core.Hosting;
using WebTicketing.Core.Tests.Support;

namespace WebTicketing.Core.Tests.Hosting;

public sealed class StorageOptionsTests
{
    [Fact]
    public async Task Recordings_live_under_the_storage_root_unless_a_shared_folder_is_configured()
    {
        var shared = Path.Combine(Path.GetTempPath(), "webticketing-tests", "shared-recordings");
        await using var byDefault = await CoreTestHost.StartAsync();
        await using var onShare = await CoreTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Storage:Recordings"] = shared });

        Assert.Equal(Path.Combine(byDefault.Root, "recordings"), Options(byDefault).RecordingsPath);
        Assert.Equal(shared, Options(onShare).RecordingsPath);
    }

    private static StorageOptions Options(CoreTestHost host) => host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
}
