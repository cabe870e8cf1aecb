using GitOps.Core.Desired;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Git;

/// <summary>
/// The Git source: a desired-state repository named by <c>--repo</c>, read through libgit2.
/// A local path is used in place (a work tree, a subdirectory of one, or a bare repository); a URL is
/// kept in a local bare mirror. Files are read at a commit without checking anything out.
/// Every failure the operator must fix is a <see cref="GitSourceException"/> with a one-line message.
/// </summary>
public sealed class GitRepository
{
    private readonly RepositoryAddress _address;
    private readonly MirrorCache? _mirrors;
    private readonly TreeReader _trees;
    private readonly WorkingTreeReader? _workingTree;

    private GitRepository(GitRepositoryOptions options, RepositoryAddress address, string gitDirectory, string? workTree, string prefix, MirrorCache? mirrors, ILogger logger)
    {
        _address = address;
        _mirrors = mirrors;
        GitDirectory = gitDirectory;
        WorkTree = workTree;
        _trees = new TreeReader(prefix, options.MaxFileBytes, logger);
        _workingTree = workTree is null ? null : new WorkingTreeReader(workTree, prefix, options.MaxFileBytes, logger);
    }

    /// <summary>The repository as given: a path, or a URL with any credentials masked.</summary>
    public string Location => _address.Display;

    /// <summary>Whether this is a remote URL read through a local mirror.</summary>
    public bool IsRemote => _address.IsRemote;

    /// <summary>The git directory commits are read from: the repository's own, or the mirror's.</summary>
    public string GitDirectory { get; }

    /// <summary>The directory whose files <see cref="ReadWorkingTreeAsync"/> reads; null for bare repositories and mirrors.</summary>
    public string? WorkTree { get; }

    /// <summary>What the last open or <see cref="RefreshAsync"/> did to the mirror.</summary>
    public MirrorUpdate LastMirrorUpdate { get; private set; } = MirrorUpdate.NotMirrored;

    /// <summary>
    /// Opens <paramref name="repo"/>. A local directory inside a work tree is the desired-state root,
    /// so a repository may keep its desired state in a subdirectory. A URL's mirror is cloned on first
    /// use and fetched when the remote moved.
    /// </summary>
    /// <exception cref="NotARepositoryException">The path does not exist or is not in a git repository.</exception>
    /// <exception cref="RemoteUnreachableException">The URL could not be cloned or listed.</exception>
    /// <exception cref="GitCommandException">libgit2 failed otherwise (corrupt repository, owned by another user).</exception>
    public static async Task<GitRepository> OpenAsync(
        string repo,
        GitRepositoryOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        options ??= GitRepositoryOptions.Default;
        logger ??= NullLogger.Instance;
        var address = RepositoryAddress.Parse(repo);
        if (address.IsRemote)
        {
            var mirrors = new MirrorCache(new RemoteAccess(options), logger);
            var repository = new GitRepository(options, address, mirrors.DirectoryFor(address), workTree: null, prefix: "", mirrors, logger);
            await repository.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return repository;
        }

        return await Task.Run(() => OpenLocal(options, address, logger), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For a URL: asks the remote for its branches and tags and fetches only if one moved.
    /// For a local repository: nothing to do (git already sees every commit).
    /// </summary>
    /// <exception cref="RemoteUnreachableException">The remote could not be listed or fetched.</exception>
    public async Task<MirrorUpdate> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_mirrors is not null)
        {
            LastMirrorUpdate = await _mirrors.UpdateAsync(_address, cancellationToken).ConfigureAwait(false);
        }

        return LastMirrorUpdate;
    }

    /// <summary>Resolves any revision git understands (branch, tag, full or short sha, <c>HEAD~1</c>, …) to its commit.</summary>
    /// <exception cref="UnknownRevisionException">It names no commit, or starts with '-'.</exception>
    public Task<CommitInfo> ResolveAsync(string revision, CancellationToken cancellationToken = default) =>
        LocalRepository.RunAsync(GitDirectory, Location, repository => CommitReader.Info(CommitReader.Resolve(repository, revision, Location)), cancellationToken);

    /// <summary>The desired-state files at <paramref name="revision"/>, read from the object database.</summary>
    /// <exception cref="UnknownRevisionException">It names no commit, or starts with '-'.</exception>
    /// <exception cref="RepositoryFileException">A file is too large or not UTF-8.</exception>
    public Task<RepositorySnapshot> ReadCommitAsync(string revision, CancellationToken cancellationToken = default) =>
        LocalRepository.RunAsync(
            GitDirectory,
            Location,
            repository =>
            {
                var commit = CommitReader.Resolve(repository, revision, Location);
                return new RepositorySnapshot(CommitReader.Info(commit), _trees.Read(repository, commit));
            },
            cancellationToken);

    /// <summary>The desired-state files on disk, uncommitted edits included; <see cref="RepositorySnapshot.Commit"/> is null.</summary>
    /// <exception cref="InvalidOperationException">The repository has no work tree (bare or mirror).</exception>
    /// <exception cref="RepositoryFileException">A file is too large or not UTF-8.</exception>
    public async Task<RepositorySnapshot> ReadWorkingTreeAsync(CancellationToken cancellationToken = default)
    {
        if (_workingTree is null)
        {
            throw new InvalidOperationException($"'{Location}' has no working tree to read.");
        }

        return new RepositorySnapshot(null, await _workingTree.ReadAsync(GitDirectory, Location, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// What the commands read for <c>--rev</c>: that commit when given; otherwise the working tree of
    /// a local work tree, or <c>HEAD</c> (the remote's default branch, for a URL).
    /// </summary>
    public Task<RepositorySnapshot> ReadAsync(string? revision, CancellationToken cancellationToken = default) =>
        revision is null && _workingTree is not null
            ? ReadWorkingTreeAsync(cancellationToken)
            : ReadCommitAsync(revision ?? "HEAD", cancellationToken);

    /// <summary>The branches and tags the repository (or the mirror, as of its last refresh) holds, sorted by name.</summary>
    public Task<IReadOnlyList<GitRef>> ListRefsAsync(CancellationToken cancellationToken = default) =>
        LocalRepository.RunAsync<IReadOnlyList<GitRef>>(GitDirectory, Location, GitRefs.ListLocal, cancellationToken);

    /// <summary>The branches and tags of a remote, as it advertises them, sorted by name; nothing is stored.</summary>
    /// <exception cref="RemoteUnreachableException">The remote could not be listed.</exception>
    public static async Task<IReadOnlyList<GitRef>> ListRemoteRefsAsync(
        string url,
        GitRepositoryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var (refs, _) = await new RemoteAccess(options ?? GitRepositoryOptions.Default).ListAsync(RepositoryAddress.Parse(url), cancellationToken).ConfigureAwait(false);
        return refs;
    }

    private static GitRepository OpenLocal(GitRepositoryOptions options, RepositoryAddress address, ILogger logger)
    {
        if (!Directory.Exists(address.Value))
        {
            throw new NotARepositoryException(address.Value, "no such directory");
        }

        var directory = RealPath(Path.GetFullPath(address.Value));
        var discovered = Repository.Discover(directory)
            ?? throw new NotARepositoryException(address.Value, "neither it nor a parent directory holds a .git");
        var gitDirectory = RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(discovered)));
        string? workTree;
        using (var repository = LocalRepository.Open(gitDirectory, address.Value))
        {
            workTree = repository.Info.IsBare || repository.Info.WorkingDirectory is null
                ? null
                : RealPath(Path.TrimEndingDirectorySeparator(repository.Info.WorkingDirectory));
        }

        // Inside the git directory itself there is no work tree to read, as git sees it.
        var insideGitDirectory = IsWithin(directory, gitDirectory);
        var hasWorkTree = workTree is not null && !insideGitDirectory && IsWithin(directory, workTree);
        var relative = hasWorkTree ? Path.GetRelativePath(workTree!, directory).Replace(Path.DirectorySeparatorChar, '/') : ".";
        return new GitRepository(
            options,
            address,
            gitDirectory,
            workTree: hasWorkTree ? directory : null,
            prefix: relative == "." ? "" : relative + "/",
            mirrors: null,
            logger);
    }

    private static bool IsWithin(string path, string directory) =>
        path == directory || path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link on the way resolved, as libgit2 reports its directories.</summary>
    private static string RealPath(string path)
    {
        var result = Path.GetPathRoot(path) ?? "/";
        foreach (var part in path[result.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            var target = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true);
            result = target is null ? next : Path.TrimEndingDirectorySeparator(target.FullName);
        }

        return result;
    }
}
