using System.Globalization;
using System.Text;
using GitOps.Keepalived.Rendering;

namespace GitOps.Keepalived.Runtime;

/// <summary>
/// The notify log the reader of keepalived's notify FIFO appends to, read from where the agent last left off
/// (<see cref="KeepalivedPaths.NotifyOffsetPath"/>), so that a line written while no agent ran is recorded by the next one, and none twice. Only whole lines are read.
/// </summary>
public sealed class NotifyLog(KeepalivedPaths paths)
{
    /// <summary>
    /// The notices after the recorded offset, in order, and the offset after the last whole line; a line that does not
    /// parse is skipped (it is passed over all the same).
    /// </summary>
    public async Task<(IReadOnlyList<KeepalivedNotice> Notices, long EndOffset)> ReadNewAsync(CancellationToken cancellationToken)
    {
        var offset = await ReadOffsetAsync(cancellationToken).ConfigureAwait(false);
        byte[] bytes;
        try
        {
            await using var stream = new FileStream(paths.NotifyLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < offset)
            {
                // The log was replaced (deleted by hand): start over from its beginning.
                offset = 0;
            }

            stream.Seek(offset, SeekOrigin.Begin);
            bytes = new byte[stream.Length - offset];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ([], offset);
        }

        var notices = new List<KeepalivedNotice>();
        var start = 0;
        for (var newline = Array.IndexOf(bytes, (byte)'\n'); newline >= 0; newline = Array.IndexOf(bytes, (byte)'\n', start))
        {
            var line = Encoding.UTF8.GetString(bytes, start, newline - start);
            start = newline + 1;
            if (KeepalivedNotice.Parse(line, offset + start) is { } notice)
            {
                notices.Add(notice);
            }
        }

        return (notices, offset + start);
    }

    /// <summary>Records that everything before <paramref name="offset"/> is done.</summary>
    public Task CommitAsync(long offset, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(paths.NotifyOffsetPath, offset.ToString(CultureInfo.InvariantCulture), cancellationToken);

    private async Task<long> ReadOffsetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var text = await File.ReadAllTextAsync(paths.NotifyOffsetPath, cancellationToken).ConfigureAwait(false);
            return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }
}
