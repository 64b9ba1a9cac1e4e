namespace WebTicketing.Core.Hosting;

/// <summary>Where the embedded database, the job store and the recordings live (<c>Storage:Root</c>).</summary>
public sealed class StorageOptions
{
    public string Root { get; set; } = "data";

    public string FullRoot => Path.GetFullPath(Root);
    public string RecordingsPath => Path.Combine(FullRoot, "recordings");
    public string AttachmentsPath => Path.Combine(FullRoot, "attachments");
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
