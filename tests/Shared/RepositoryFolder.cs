namespace WebTicketing.Testing;

/// <summary>The checkout the tests were built from, for tests that read what it holds (README, samples, generated code).</summary>
public static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WebTicketing.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No WebTicketing.sln above {AppContext.BaseDirectory}.");
    }
}
