using GitOps.Core.Desired;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Git;

/// <summary>
/// The Git source: a desired-state repository named by <c>--repo</c>, read through the git program.
/// A local path is used in place (a work tree, a subdirectory of one, or a bare repository); a URL is
/// kept in a local bare mirror. Files are read at a commit without checking anything out.
/// Every failure the operator must fix is a <see cref="GitSourceException"/> with a one-line message.
/// </summary>
public sealed class GitRepository
{
    private readonly GitCli _git;
    private readonly RepositoryAddress _address;
    private readonly MirrorCache? _mirrors;
    private readonly CommitReader _commits;
    private readonly TreeReader _trees;
    private readonly WorkingTreeReader? _workingTree;

    private GitRepository(GitCli git, RepositoryAddress address, string gitDirectory, string? workTree, string prefix, MirrorCache? mirrors, ILogger logger)
    {
        _git = git;
        _address = address;
        _mirrors = mirrors;
        GitDirectory = gitDirectory;
        WorkTree = workTree;
        _commits = new CommitReader(git, gitDirectory, address.Display);
        _trees = new TreeReader(git, gitDirectory, prefix, logger);
        _workingTree = workTree is null ? null : new WorkingTreeReader(git, workTree, logger);
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
    /// <exception cref="GitCommandException">git is missing or failed otherwise.</exception>
    public static async Task<GitRepository> OpenAsync(
        string repo,
        GitRepositoryOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        var git = new GitCli(options ?? GitRepositoryOptions.Default);
        logger ??= NullLogger.Instance;
        var address = RepositoryAddress.Parse(repo);
        if (address.IsRemote)
        {
            var mirrors = new MirrorCache(git, logger);
            var repository = new GitRepository(git, address, mirrors.DirectoryFor(address), workTree: null, prefix: "", mirrors, logger);
            await repository.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return repository;
        }

        return await OpenLocalAsync(git, address, logger, cancellationToken).ConfigureAwait(false);
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
        _commits.ResolveAsync(revision, cancellationToken);

    /// <summary>The desired-state files at <paramref name="revision"/>, read from the object database.</summary>
    /// <exception cref="UnknownRevisionException">It names no commit, or starts with '-'.</exception>
    /// <exception cref="RepositoryFileException">A file is too large or not UTF-8.</exception>
    public async Task<RepositorySnapshot> ReadCommitAsync(string revision, CancellationToken cancellationToken = default)
    {
        var commit = await ResolveAsync(revision, cancellationToken).ConfigureAwait(false);
        var files = await _trees.ReadAsync(commit.Sha, cancellationToken).ConfigureAwait(false);
        return new RepositorySnapshot(commit, files);
    }

    /// <summary>The desired-state files on disk, uncommitted edits included; <see cref="RepositorySnapshot.Commit"/> is null.</summary>
    /// <exception cref="InvalidOperationException">The repository has no work tree (bare or mirror).</exception>
    /// <exception cref="RepositoryFileException">A file is too large or not UTF-8.</exception>
    public async Task<RepositorySnapshot> ReadWorkingTreeAsync(CancellationToken cancellationToken = default)
    {
        if (_workingTree is null)
        {
            throw new InvalidOperationException($"'{Location}' has no working tree to read.");
        }

        return new RepositorySnapshot(null, await _workingTree.ReadAsync(cancellationToken).ConfigureAwait(false));
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
        GitRefs.ListLocalAsync(_git, GitDirectory, cancellationToken);

    /// <summary>The branches and tags of a remote, straight from <c>git ls-remote</c>, sorted by name; nothing is stored.</summary>
    /// <exception cref="RemoteUnreachableException">The remote could not be listed.</exception>
    public static async Task<IReadOnlyList<GitRef>> ListRemoteRefsAsync(
        string url,
        GitRepositoryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var (refs, _) = await GitRefs.ListRemoteAsync(new GitCli(options ?? GitRepositoryOptions.Default), RepositoryAddress.Parse(url), cancellationToken).ConfigureAwait(false);
        return refs;
    }

    private static async Task<GitRepository> OpenLocalAsync(GitCli git, RepositoryAddress address, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(address.Value))
        {
            throw new NotARepositoryException(address.Value, "no such directory");
        }

        var directory = Path.GetFullPath(address.Value);
        var result = await git.RunAsync(
            directory,
            ["rev-parse", "--is-bare-repository", "--is-inside-git-dir", "--absolute-git-dir", "--show-prefix"],
            standardInput: null,
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var reason = GitCli.ErrorLine(result);
            throw reason.StartsWith("not a git repository", StringComparison.Ordinal)
                ? new NotARepositoryException(address.Value, "neither it nor a parent directory holds a .git")
                : new GitCommandException($"git cannot open '{address.Value}': {reason}");
        }

        // One answer per line; --show-prefix prints an empty line at the top of a work tree.
        var lines = result.StandardOutput.Split('\n');
        var hasWorkTree = lines[0] == "false" && lines[1] == "false";
        return new GitRepository(
            git,
            address,
            gitDirectory: lines[2],
            workTree: hasWorkTree ? directory : null,
            prefix: hasWorkTree ? lines[3] : "",
            mirrors: null,
            logger);
    }
}
