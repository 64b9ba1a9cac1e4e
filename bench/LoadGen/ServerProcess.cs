using System.Globalization;

namespace WebTicketing.Bench.LoadGen;

/// <summary>The server under test as Linux sees it: found by its listening port, its memory read from /proc.</summary>
public sealed class ServerProcess(int pid)
{
    private long maxRssKb;

    public int Pid { get; } = pid;

    public static ServerProcess? Find(int? pid, int? port)
    {
        if (pid is { } known)
        {
            return new ServerProcess(known);
        }
        return port is { } p && PidListeningOn(p) is { } found ? new ServerProcess(found) : null;
    }

    /// <summary>Peak resident set since the process started (VmHWM), in MB.</summary>
    public double? PeakRssMb() => ReadKb("VmHWM") is { } kb ? kb / 1024.0 : null;

    public double MaxSampledRssMb => maxRssKb / 1024.0;

    /// <summary>
    /// User + system CPU the server has used (utime + stime of /proc/&lt;pid&gt;/stat, at 100 ticks a second). CPU per
    /// request is what a busy machine changes least: it says what one request costs, not how long it waited for a core.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ", state is field 0, utime field 11, stime field 12.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Sample()
    {
        if (ReadKb("VmRSS") is { } kb && kb > maxRssKb)
        {
            maxRssKb = kb;
        }
    }

    private long? ReadKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    private static int? PidListeningOn(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // local_address is ADDR:PORT in hex; state 0A is LISTEN.
                if (cols.Length > 9 && cols[3] == "0A" && int.Parse(cols[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    inodes.Add($"socket:[{cols[9]}]");
                }
            }
        }
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                foreach (var fd in System.IO.Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                    {
                        return pid;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return null;
    }
}
