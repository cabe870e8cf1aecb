using GitOps.Core.Collections;
using GitOps.Core.Desired;
using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>
/// Reads the desired-state files as they are on disk, uncommitted edits included: the files git
/// tracks or would track (ignored files are left out, deleted ones are gone).
/// </summary>
internal sealed class WorkingTreeReader(GitCli git, string directory, ILogger logger)
{
    public async Task<ValueList<RepositoryFile>> ReadAsync(CancellationToken cancellationToken)
    {
        // Run in the desired-state root, so the pathspecs and the paths printed are relative to it.
        var listing = await git.RunCheckedAsync(
            directory,
            ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", .. DesiredStateFiles.Pathspecs("")],
            cancellationToken).ConfigureAwait(false);
        var paths = listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct().Order(StringComparer.Ordinal);
        var files = new List<RepositoryFile>();
        foreach (var path in paths)
        {
            var file = new FileInfo(Path.Combine(directory, path));
            var kind = file.LinkTarget is not null ? "symbolic link" : Directory.Exists(file.FullName) ? "submodule" : null;
            if (kind is not null)
            {
                if (DesiredStateFiles.Includes(path) || path == DesiredStateFiles.ServicesDirectory)
                {
                    GitLog.EntrySkipped(logger, path, kind);
                }

                continue;
            }

            if (!DesiredStateFiles.Includes(path) || !file.Exists)
            {
                continue;
            }

            DesiredStateFiles.CheckSize(path, file.Length, git.Options.MaxFileBytes);
            var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            files.Add(new RepositoryFile(path, DesiredStateFiles.Decode(path, bytes)));
        }

        return new ValueList<RepositoryFile>(files);
    }
}
