using GitOps.Cli.Logging;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Core.Diagnostics;
using GitOps.Git;
using Microsoft.Extensions.Logging;

namespace GitOps.Cli.Offline;

/// <summary>One revision of a desired-state repository, read through git and loaded: the shared first step of validate, render and diff.</summary>
internal sealed record LoadedRevision(string Label, RepositorySnapshot Snapshot, DesiredStateLoadResult Load)
{
    public CommitInfo? Commit => Snapshot.Commit;

    public DesiredState? State => Load.State;

    /// <summary>"commit 0123456789ab (subject)" or "working tree".</summary>
    public string Description => Commit is null ? "working tree" : $"commit {Commit.ShortSha} ({Commit.Subject})";

    public static async Task<LoadedRevision> ReadAsync(GitRepository repository, string? revision, ILogger logger, CancellationToken cancellationToken)
    {
        var snapshot = await repository.ReadAsync(revision, cancellationToken).ConfigureAwait(false);
        var load = DesiredStateLoader.Load(snapshot.Files);
        CliLog.RevisionLoaded(logger, revision ?? "(default)", repository.Location, snapshot.Files.Count, load.Errors.Count(), load.Warnings.Count());
        return new LoadedRevision(revision ?? (snapshot.Commit is null ? "working tree" : "HEAD"), snapshot, load);
    }

    /// <summary>Every diagnostic: the loader's, then those found while building each host's effective model.</summary>
    public ValueList<Diagnostic> AllDiagnostics(IEnumerable<RenderedHost> hosts) =>
        Load.Diagnostics.Concat(hosts.SelectMany(h => h.Diagnostics)).Distinct().ToValueList();
}
