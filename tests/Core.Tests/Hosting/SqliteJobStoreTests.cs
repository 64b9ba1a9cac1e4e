using Hangfire.Storage.SQLite;
using WebTicketing.Core.Hosting;

namespace WebTicketing.Core.Tests.Hosting;

public sealed class SqliteJobStoreTests : IDisposable
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("webticketing-jobstore-").FullName;

    public void Dispose()
    {
        System.IO.Directory.Delete(folder, recursive: true);
    }

    /// <summary>Both apps starting on an empty Storage:Root create the same new job store at the same moment.</summary>
    [Fact]
    public async Task Two_instances_creating_a_new_job_store_at_once_both_open_it()
    {
        for (var round = 0; round < 20; round++)
        {
            var path = Path.Combine(folder, $"hangfire-{round}.db");
            using var start = new Barrier(2);
            var stores = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return SqliteJobStore.Create(path, new SQLiteStorageOptions());
            })));

            Assert.All(stores, store => Assert.NotNull(store.GetConnection()));
        }
    }
}
