using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>
/// Keeps one bare mirror per remote URL under the cache directory: cloned once with
/// <c>git clone --mirror</c>, then fetched only when <c>git ls-remote</c> shows a branch or tag moved.
/// </summary>
internal sealed class MirrorCache(GitCli git, ILogger logger)
{
    /// <summary>The mirror's directory for <paramref name="remote"/> (which may not exist yet).</summary>
    public string DirectoryFor(RepositoryAddress remote) =>
        Path.Combine(git.Options.MirrorCacheDirectory ?? GitRepositoryOptions.DefaultMirrorCacheDirectory(), remote.MirrorName());

    /// <summary>Clones the mirror when it is missing, otherwise brings it up to date.</summary>
    public async Task<MirrorUpdate> UpdateAsync(RepositoryAddress remote, CancellationToken cancellationToken)
    {
        var directory = DirectoryFor(remote);
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        using var mirrorLock = await MirrorLock.AcquireAsync(directory + ".lock", git.Options.NetworkTimeout, git.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
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
            await git.RunRemoteAsync(directory: null, ["clone", "--mirror", "--quiet", "--", remote.Value, partial], remote.Display, cancellationToken).ConfigureAwait(false);
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
        var (remoteRefs, remoteHead) = await GitRefs.ListRemoteAsync(git, remote, cancellationToken).ConfigureAwait(false);
        var localRefs = await GitRefs.ListLocalAsync(git, directory, cancellationToken).ConfigureAwait(false);
        var changed = remoteRefs.Union(localRefs).Count() - remoteRefs.Intersect(localRefs).Count();
        var update = MirrorUpdate.UpToDate;
        if (changed > 0)
        {
            await git.RunRemoteAsync(directory, ["fetch", "--prune", "--quiet", "origin"], remote.Display, cancellationToken).ConfigureAwait(false);
            GitLog.MirrorFetched(logger, remote.Display, changed);
            update = MirrorUpdate.Fetched;
        }
        else
        {
            GitLog.MirrorUpToDate(logger, remote.Display);
        }

        // fetch never moves a mirror's HEAD, so follow a change of the remote's default branch here.
        if (remoteHead is not null)
        {
            var localHead = await File.ReadAllTextAsync(Path.Combine(directory, "HEAD"), cancellationToken).ConfigureAwait(false);
            if (localHead.Trim() != "ref: " + remoteHead)
            {
                await git.RunCheckedAsync(directory, ["symbolic-ref", "HEAD", remoteHead], cancellationToken).ConfigureAwait(false);
                GitLog.MirrorHeadChanged(logger, remote.Display, remoteHead);
            }
        }

        return update;
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
