using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>
/// Reads the desired-state files of a commit straight from the object database: one
/// <c>git ls-tree</c> to list them, one <c>git cat-file --batch</c> to read every blob. Nothing is checked out.
/// </summary>
internal sealed class TreeReader(GitCli git, string gitDirectory, string prefix, ILogger logger)
{
    private const string SymlinkMode = "120000";
    private const string SubmoduleMode = "160000";

    public async Task<ValueList<RepositoryFile>> ReadAsync(string commitSha, CancellationToken cancellationToken)
    {
        var listing = await git.RunCheckedAsync(
            directory: null,
            [$"--git-dir={gitDirectory}", "ls-tree", "-r", "-z", "-l", "--full-tree", commitSha, "--", .. DesiredStateFiles.Pathspecs(prefix)],
            cancellationToken).ConfigureAwait(false);
        var blobs = SelectBlobs(listing);
        if (blobs.Count == 0)
        {
            return ValueList<RepositoryFile>.Empty;
        }

        var batch = await git.RunAsync(
            directory: null,
            [$"--git-dir={gitDirectory}", "cat-file", "--batch"],
            string.Concat(blobs.Select(b => b.Sha + "\n")),
            cancellationToken).ConfigureAwait(false);
        if (!batch.Succeeded)
        {
            throw new GitCommandException($"git cat-file failed: {GitCli.ErrorLine(batch)}");
        }

        return new ValueList<RepositoryFile>(ParseBatch(batch.StandardOutput, blobs));
    }

    private List<Blob> SelectBlobs(string listing)
    {
        var blobs = new List<Blob>();
        foreach (var record in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> SP <type> SP <object> SP+ <size> TAB <path>"
            var tab = record.IndexOf('\t', StringComparison.Ordinal);
            var fields = tab < 0 ? [] : record[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = record[(tab + 1)..];
            if (fields.Length != 4 || !path.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new GitCommandException($"git ls-tree printed an unexpected line '{record}'");
            }

            path = path[prefix.Length..];
            var kind = fields[0] switch
            {
                SymlinkMode => "symbolic link",
                SubmoduleMode => "submodule",
                _ => fields[1] == "blob" ? null : fields[1],
            };
            if (kind is not null)
            {
                if (DesiredStateFiles.Includes(path) || path == DesiredStateFiles.ServicesDirectory)
                {
                    GitLog.EntrySkipped(logger, path, kind);
                }

                continue;
            }

            if (!DesiredStateFiles.Includes(path))
            {
                continue;
            }

            var size = long.Parse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture);
            DesiredStateFiles.CheckSize(path, size, git.Options.MaxFileBytes);
            blobs.Add(new Blob(path, fields[2], size));
        }

        blobs.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return blobs;
    }

    /// <summary>
    /// Splits cat-file's "&lt;sha&gt; blob &lt;size&gt;\n&lt;content&gt;\n" records. The runner hands us the
    /// output already decoded as UTF-8 while sizes count bytes, so content is measured by re-counting
    /// each character's UTF-8 length. That count is exact up to the first invalid byte, which the decoder
    /// turns into U+FFFD: a blob containing U+FFFD is therefore rejected as not UTF-8 and reading stops
    /// there, before the count could drift. (A file that literally contains U+FFFD is rejected too, which
    /// no desired-state file needs.)
    /// </summary>
    private static List<RepositoryFile> ParseBatch(string output, List<Blob> blobs)
    {
        var files = new List<RepositoryFile>(blobs.Count);
        var position = 0;
        foreach (var blob in blobs)
        {
            var headerEnd = output.IndexOf('\n', position);
            var header = headerEnd < 0 ? "" : output[position..headerEnd];
            if (header != $"{blob.Sha} blob {blob.Size.ToString(CultureInfo.InvariantCulture)}")
            {
                throw new GitCommandException($"git cat-file answered '{header}' for {blob.Path}");
            }

            var start = headerEnd + 1;
            position = start;
            long bytes = 0;
            while (bytes < blob.Size)
            {
                if (position >= output.Length)
                {
                    throw new GitCommandException($"git cat-file output ended inside {blob.Path}");
                }

                var c = output[position++];
                if (c == '\uFFFD')
                {
                    throw DesiredStateFiles.NotUtf8(blob.Path);
                }

                bytes += Utf8Length(c);
            }

            if (bytes != blob.Size || position >= output.Length || output[position] != '\n')
            {
                throw new GitCommandException($"git cat-file output is out of step at {blob.Path}");
            }

            files.Add(new RepositoryFile(blob.Path, DesiredStateFiles.WithoutByteOrderMark(output[start..position])));
            position++;
        }

        return files;
    }

    // A surrogate pair is one 4-byte sequence: 2 + 2.
    private static int Utf8Length(char c) => c < 0x80 ? 1 : c < 0x800 || char.IsSurrogate(c) ? 2 : 3;

    private sealed record Blob(string Path, string Sha, long Size);
}
