using LibGit2Sharp;
using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>
/// Keeps one bare mirror per remote URL under the cache directory: every branch and tag of the remote
/// under the same name, fetched only when listing the remote's refs shows one moved, HEAD following the
/// remote's default branch.
/// </summary>
internal sealed class MirrorCache(RemoteAccess remotes, ILogger logger)
{
    private GitRepositoryOptions Options => remotes.Options;

    /// <summary>The mirror's directory for <paramref name="remote"/> (which may not exist yet).</summary>
    public string DirectoryFor(RepositoryAddress remote) =>
        Path.Combine(Options.MirrorCacheDirectory ?? GitRepositoryOptions.DefaultMirrorCacheDirectory(), remote.MirrorName());

    /// <summary>Clones the mirror when it is missing, otherwise brings it up to date.</summary>
    public async Task<MirrorUpdate> UpdateAsync(RepositoryAddress remote, CancellationToken cancellationToken)
    {
        var directory = DirectoryFor(remote);
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        using var mirrorLock = await MirrorLock.AcquireAsync(directory + ".lock", Options.NetworkTimeout, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(directory))
        {
            await CloneAsync(remote, directory, cancellationToken).ConfigureAwait(false);
            return MirrorUpdate.Cloned;
        }

        return await FetchIfMovedAsync(remote, directory, cancellationToken).ConfigureAwait(false);
    }

    private async Task CloneAsync(RepositoryAddress remote, string directory, CancellationToken cancellationToken)
    {
        // Clone beside the final name and rename, so an interrupted clone never looks like a mirror.
        var partial = $"{directory}.partial-{Environment.ProcessId}";
        DeleteDirectory(partial);
        try
        {
            var (_, head) = await remotes.ListAsync(remote, cancellationToken).ConfigureAwait(false);
            Repository.Init(partial, isBare: true);
            using (var repository = new Repository(partial))
            {
                repository.Network.Remotes.Add(RemoteAccess.RemoteName, remote.Value, RemoteAccess.MirrorRefSpecs[0]);
                repository.Network.Remotes.Update(RemoteAccess.RemoteName, r => r.FetchRefSpecs.Add(RemoteAccess.MirrorRefSpecs[1]));
            }

            await remotes.FetchAsync(partial, remote, cancellationToken).ConfigureAwait(false);
            if (head is not null)
            {
                await SetHeadAsync(partial, head, cancellationToken).ConfigureAwait(false);
            }

            Directory.Move(partial, directory);
        }
        finally
        {
            DeleteDirectory(partial);
        }

        GitLog.MirrorCloned(logger, remote.Display, directory);
    }

    private async Task<MirrorUpdate> FetchIfMovedAsync(RepositoryAddress remote, string directory, CancellationToken cancellationToken)
    {
        var (remoteRefs, remoteHead) = await remotes.ListAsync(remote, cancellationToken).ConfigureAwait(false);
        List<GitRef> localRefs;
        using (var repository = LocalRepository.Open(directory, remote.Display))
        {
            localRefs = GitRefs.ListLocal(repository);
        }

        var changed = remoteRefs.Union(localRefs).Count() - remoteRefs.Intersect(localRefs).Count();
        var update = MirrorUpdate.UpToDate;
        if (changed > 0)
        {
            await remotes.FetchAsync(directory, remote, cancellationToken).ConfigureAwait(false);
            GitLog.MirrorFetched(logger, remote.Display, changed);
            update = MirrorUpdate.Fetched;
        }
        else
        {
            GitLog.MirrorUpToDate(logger, remote.Display);
        }

        // A fetch never moves a mirror's HEAD, so follow a change of the remote's default branch here.
        if (remoteHead is not null && await SetHeadAsync(directory, remoteHead, cancellationToken).ConfigureAwait(false))
        {
            GitLog.MirrorHeadChanged(logger, remote.Display, remoteHead);
        }

        return update;
    }

    /// <summary>Points the mirror's HEAD at <paramref name="branch"/>; whether it moved.</summary>
    private static async Task<bool> SetHeadAsync(string directory, string branch, CancellationToken cancellationToken)
    {
        if (!Reference.IsValidName(branch) || !branch.StartsWith("refs/heads/", StringComparison.Ordinal))
        {
            return false;
        }

        // HEAD of a bare repository is this one line; the mirror lock is held, so nothing else writes it.
        var path = Path.Combine(directory, "HEAD");
        var wanted = $"ref: {branch}";
        if ((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim() == wanted)
        {
            return false;
        }

        await File.WriteAllTextAsync(path, wanted + "\n", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
