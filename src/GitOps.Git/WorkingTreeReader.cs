using GitOps.Core.Collections;
using GitOps.Core.Desired;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>
/// Reads the desired-state files as they are on disk, uncommitted edits included: the files git tracks
/// (in the index) or would track (untracked and not ignored by .gitignore, .git/info/exclude or
/// core.excludesFile); deleted ones are gone. Nested repositories are not entered.
/// </summary>
internal sealed class WorkingTreeReader(string directory, string prefix, long maxFileBytes, ILogger logger)
{
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };

    public async Task<ValueList<RepositoryFile>> ReadAsync(string gitDirectory, string location, CancellationToken cancellationToken)
    {
        var paths = await LocalRepository.RunAsync(gitDirectory, location, Candidates, cancellationToken).ConfigureAwait(false);
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

            DesiredStateFiles.CheckSize(path, file.Length, maxFileBytes);
            var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            files.Add(new RepositoryFile(path, DesiredStateFiles.Decode(path, bytes)));
        }

        return new ValueList<RepositoryFile>(files);
    }

    /// <summary>Paths relative to the desired-state root, sorted: tracked ones from the index, untracked ones from disk unless ignored.</summary>
    private SortedSet<string> Candidates(Repository repository)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in repository.Index)
        {
            if (entry.Path.StartsWith(prefix, StringComparison.Ordinal) && Selected(entry.Path[prefix.Length..]))
            {
                paths.Add(entry.Path[prefix.Length..]);
            }
        }

        var settings = Path.Combine(directory, DesiredStateFiles.SettingsFile);
        if ((File.Exists(settings) || Directory.Exists(settings) || new FileInfo(settings).LinkTarget is not null)
            && !repository.Ignore.IsPathIgnored(prefix + DesiredStateFiles.SettingsFile))
        {
            paths.Add(DesiredStateFiles.SettingsFile);
        }

        Walk(repository, DesiredStateFiles.ServicesDirectory, paths);
        return paths;
    }

    /// <summary>Adds the untracked, not ignored entries under <paramref name="relative"/>; a symbolic link or nested repository is added as itself, not entered.</summary>
    private void Walk(Repository repository, string relative, SortedSet<string> paths)
    {
        var full = Path.Combine(directory, relative);
        var info = new DirectoryInfo(full);
        if (!info.Exists || info.LinkTarget is not null || Directory.Exists(Path.Combine(full, ".git")) || File.Exists(Path.Combine(full, ".git")))
        {
            if ((info.Exists || info.LinkTarget is not null) && !repository.Ignore.IsPathIgnored(prefix + relative + "/"))
            {
                paths.Add(relative);
            }

            return;
        }

        foreach (var entry in info.EnumerateFileSystemInfos("*", AllEntries))
        {
            var path = relative + "/" + entry.Name;
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                if (entry.Name != ".git")
                {
                    Walk(repository, path, paths);
                }
            }
            else if (!repository.Ignore.IsPathIgnored(prefix + path))
            {
                paths.Add(path);
            }
        }
    }

    private static bool Selected(string path) =>
        path == DesiredStateFiles.SettingsFile || path.StartsWith(DesiredStateFiles.ServicesDirectory + "/", StringComparison.Ordinal);
}
