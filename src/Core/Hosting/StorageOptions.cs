namespace WebTicketing.Core.Hosting;

/// <summary>Where the embedded database, the job store and the recordings live (<c>Storage:Root</c>).</summary>
public sealed class StorageOptions
{
    public string Root { get; set; } = "data";
    /// <summary>
    /// The recordings folder (<c>Storage:Recordings</c>), by default <c>&lt;Root&gt;/recordings</c>. With several
    /// instances that do not share a disk, point every instance at the same shared mount (NFS, SMB, a cloud file share):
    /// the instance that stores a caller's recording is rarely the one whose console plays it.
    /// </summary>
    public string? Recordings { get; set; }

    public string FullRoot => Path.GetFullPath(Root);
    public string RecordingsPath => string.IsNullOrWhiteSpace(Recordings) ? Path.Combine(FullRoot, "recordings") : Path.GetFullPath(Recordings);
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
