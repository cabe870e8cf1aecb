using System.Text.RegularExpressions;
using LibGit2Sharp;

namespace GitOps.Git;

/// <summary>
/// Every exchange with a remote, through libgit2: listing its refs and fetching into a mirror, with
/// ssh run by <see cref="SshTransport"/>, bounded by <see cref="GitRepositoryOptions.NetworkTimeout"/>, and
/// every failure turned into a <see cref="RemoteUnreachableException"/> whose message shows no password.
/// </summary>
internal sealed partial class RemoteAccess(GitRepositoryOptions options)
{
    public const string RemoteName = "origin";

    /// <summary>The fetch refspecs of a mirror: every branch and tag, force-updated, as the remote has them.</summary>
    public static readonly string[] MirrorRefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

    public GitRepositoryOptions Options { get; } = options;

    /// <summary>The remote's branches and tags, and the branch its HEAD names (null when it does not say).</summary>
    /// <exception cref="RemoteUnreachableException">It could not be listed.</exception>
    public async Task<(List<GitRef> Refs, string? Head)> ListAsync(RepositoryAddress remote, CancellationToken cancellationToken)
    {
        // Listing changes nothing on disk, so a call stuck below the timeout's reach may simply be abandoned.
        var listing = RunAsync(remote, deadline => GitRefs.FromRemote(Repository.ListRemoteReferences(remote.Value)), cancellationToken);
        try
        {
            return await listing.WaitAsync(Options.NetworkTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RemoteUnreachableException(remote.Display, $"listing its refs did not finish within {Options.NetworkTimeout.TotalSeconds:0.#} s", ex);
        }
    }

    /// <summary>Fetches the mirror's refspecs from <see cref="RemoteName"/> into <paramref name="gitDirectory"/>, pruning what the remote deleted.</summary>
    /// <exception cref="RemoteUnreachableException">It could not be fetched.</exception>
    public Task FetchAsync(string gitDirectory, RepositoryAddress remote, CancellationToken cancellationToken) =>
        RunAsync(
            remote,
            deadline =>
            {
                using var repository = new Repository(gitDirectory);
                var fetch = new FetchOptions
                {
                    Prune = true,
                    TagFetchMode = TagFetchMode.None, // the refspecs name every tag already
                    OnTransferProgress = _ => !deadline.IsCancellationRequested,
                    OnProgress = _ => !deadline.IsCancellationRequested,
                };
                Commands.Fetch(repository, RemoteName, [], fetch, logMessage: null);
                return true;
            },
            cancellationToken);

    private Task<T> RunAsync<T>(RepositoryAddress remote, Func<CancellationToken, T> operation, CancellationToken cancellationToken)
    {
        if (LocalPath(remote) is { } path && !Repository.IsValid(path))
        {
            // libgit2 says "could not find repository"; git's wording is the one operators know.
            throw new RemoteUnreachableException(remote.Display, $"'{path}' does not appear to be a git repository");
        }

        return Task.Run(
            () =>
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(Options.NetworkTimeout);
                var sshSettings = new SshSettings(Options.SshKeyFile, Options.NetworkTimeout, Options.Environment, cancellationToken);
                using var ssh = SshTransport.Use(sshSettings);
                try
                {
                    return operation(deadline.Token);
                }
                catch (LibGit2SharpException ex)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var reason = sshSettings.Failure is { } sshFailure ? Reason(remote, sshFailure)
                        : deadline.IsCancellationRequested ? $"did not finish within {Options.NetworkTimeout.TotalSeconds:0.#} s"
                        : Reason(remote, ex.Message);
                    // libgit2's exception is not kept as the inner one: its text may hold the URL's password.
                    throw new RemoteUnreachableException(remote.Display, reason);
                }
            },
            cancellationToken);
    }

    /// <summary>libgit2's message, without the remote's password wherever it may appear.</summary>
    internal static string Reason(RepositoryAddress remote, string message)
    {
        var masked = message.Replace(remote.Value, remote.Display, StringComparison.Ordinal);
        masked = UserInfo().Replace(masked, "${scheme}://***@");
        return masked.Length == 0 ? "libgit2 gave no reason" : masked;
    }

    /// <summary>The directory a <c>file://</c> URL names, or null for any other address.</summary>
    private static string? LocalPath(RepositoryAddress remote) =>
        remote.Value.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(remote.Value, UriKind.Absolute, out var uri) && uri.IsFile
            ? uri.LocalPath
            : null;

    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://[^/@\s:]*:[^/@\s]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
