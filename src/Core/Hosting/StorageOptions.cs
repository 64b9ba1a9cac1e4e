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
    /// <summary>The attachments folder (<c>Storage:Attachments</c>), by default <c>&lt;Root&gt;/attachments</c>; shared like recordings.</summary>
    public string? Attachments { get; set; }

    public string FullRoot => Path.GetFullPath(Root);
    public string RecordingsPath => FolderOrDefault(Recordings, "recordings");
    public string AttachmentsPath => FolderOrDefault(Attachments, "attachments");

    private string FolderOrDefault(string? configured, string underRoot) =>
        string.IsNullOrWhiteSpace(configured) ? Path.Combine(FullRoot, underRoot) : Path.GetFullPath(configured);
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
