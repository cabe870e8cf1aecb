using System.Runtime.InteropServices;
using System.Text;

namespace GitOps.HAProxy.Apply;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old or the new content, never a
/// mix: the text goes to <c>&lt;path&gt;.tmp</c> in the same directory, is flushed to disk, renamed over
/// the file, and the directory entry is flushed too.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temporary = await WriteTemporaryAsync(path, text, cancellationToken).ConfigureAwait(false);
        Commit(temporary, path);
    }

    /// <summary>
    /// First half of <see cref="WriteAsync"/>: writes and flushes the temporary file and returns its
    /// path, so the caller can check it before <see cref="Commit"/> makes it the file.
    /// </summary>
    public static async Task<string> WriteTemporaryAsync(string path, string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(text);
        var temporary = path + ".tmp";
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        return temporary;
    }

    /// <summary>Second half of <see cref="WriteAsync"/>: renames <paramref name="temporary"/> over <paramref name="path"/> durably.</summary>
    public static void Commit(string temporary, string path)
    {
        File.Move(temporary, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Reads the file, or null when it does not exist.</summary>
    public static async Task<string?> TryReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static void FlushDirectory(string directory)
    {
        // A rename is durable only once the directory itself is flushed; .NET cannot open a directory, libc can.
        const int ReadOnly = 0;
        const int DirectoryFlag = 0x10000;
        var fd = Open(directory, ReadOnly | DirectoryFlag);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
