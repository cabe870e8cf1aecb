using GitOps.Core.Collections;
using GitOps.Core.Desired;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>
/// Reads the desired-state files of a commit straight from the object database: the tree under the
/// desired-state prefix, <c>gitops.yaml</c> and every YAML file under <c>services/</c>. Nothing is checked out.
/// </summary>
internal sealed class TreeReader(string prefix, long maxFileBytes, ILogger logger)
{
    public ValueList<RepositoryFile> Read(Repository repository, Commit commit)
    {
        var root = prefix.Length == 0 ? commit.Tree : commit[prefix.TrimEnd('/')]?.Target as Tree;
        if (root is null)
        {
            return ValueList<RepositoryFile>.Empty;
        }

        var files = new List<RepositoryFile>();
        if (root[DesiredStateFiles.SettingsFile] is { } settings)
        {
            Visit(repository, settings, DesiredStateFiles.SettingsFile, files);
        }

        if (root[DesiredStateFiles.ServicesDirectory] is { } services)
        {
            Visit(repository, services, DesiredStateFiles.ServicesDirectory, files);
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ValueList<RepositoryFile>(files);
    }

    private void Visit(Repository repository, TreeEntry entry, string path, List<RepositoryFile> files)
    {
        var kind = entry.Mode switch
        {
            Mode.SymbolicLink => "symbolic link",
            Mode.GitLink => "submodule",
            _ => null,
        };
        if (kind is not null)
        {
            if (DesiredStateFiles.Includes(path) || path == DesiredStateFiles.ServicesDirectory)
            {
                GitLog.EntrySkipped(logger, path, kind);
            }

            return;
        }

        if (entry.Target is Tree tree)
        {
            foreach (var child in tree)
            {
                Visit(repository, child, path + "/" + child.Name, files);
            }

            return;
        }

        if (entry.Target is not Blob blob || !DesiredStateFiles.Includes(path))
        {
            return;
        }

        // The object header says the size: a file over the limit is refused before it is inflated.
        var size = repository.ObjectDatabase.RetrieveObjectMetadata(blob.Id).Size;
        DesiredStateFiles.CheckSize(path, size, maxFileBytes);
        var bytes = new byte[size];
        using (var content = blob.GetContentStream())
        {
            content.ReadExactly(bytes);
        }

        files.Add(new RepositoryFile(path, DesiredStateFiles.Decode(path, bytes)));
    }
}
