using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.EventStore.Errors;
using GitOps.Git;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// Follows one branch of the desired-state repository and records each new head commit once in the
/// <c>desired</c> stream: DesiredStateObserved with the commit's files, or DesiredStateRejected with every
/// error. Event ids come from the commit (and the one it follows), and appends expect the stream's
/// version, so a restarted or second controller re-appending the same commit adds nothing.
/// </summary>
internal sealed class GitWatcher(MartenEventStore store, GitRepository repository, string branch, RefChangeSignal signal, ControllerOptions options, ILogger logger)
{
    private long desiredVersion;
    private string? lastCommit;

    public string Branch => branch;

    /// <summary>The branch to follow when none is given: the one HEAD names (for a URL, the remote's default branch).</summary>
    /// <exception cref="UnknownRevisionException">HEAD is detached, so there is no branch to follow.</exception>
    public static async Task<string> DefaultBranchAsync(GitRepository repository, CancellationToken cancellationToken)
    {
        var head = (await File.ReadAllTextAsync(Path.Combine(repository.GitDirectory, "HEAD"), cancellationToken).ConfigureAwait(false)).Trim();
        const string Prefix = "ref: refs/heads/";
        return head.StartsWith(Prefix, StringComparison.Ordinal)
            ? head[Prefix.Length..]
            : throw new UnknownRevisionException("HEAD", $"HEAD of '{repository.Location}' is detached (not on a branch); name the branch to follow with --branch.");
    }

    /// <summary>Watches until cancelled; a failing round is logged and retried at the next poll.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ControllerLog.Watching(logger, branch, repository.Location, repository.IsRemote ? $"polled every {options.PollInterval.TotalSeconds:0.#} s" : signal.IsWatching ? "file-system watch with polling fallback" : "polled");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await CheckOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (WrongExpectedVersionException)
            {
                // Another controller recorded a commit: re-read the stream before deciding again.
                ControllerLog.LostRace(logger, StreamNames.Desired);
                lastCommit = null;
                desiredVersion = -1;
                continue;
            }
#pragma warning disable CA1031 // The watcher never dies of one bad round (remote down, git failing): logged, retried at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ControllerLog.LoopFailed(logger, ex, "git watch", (long)options.PollInterval.TotalMilliseconds);
            }

            await signal.WaitAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round: refresh a mirror, resolve the branch, record its head if it is new.</summary>
    public async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        if (desiredVersion <= 0 && lastCommit is null)
        {
            await ReadRecordedHeadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (repository.IsRemote)
        {
            await repository.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        var head = await repository.ResolveAsync("refs/heads/" + branch, cancellationToken).ConfigureAwait(false);
        if (head.Sha == lastCommit)
        {
            return;
        }

        var recorded = await RecordAsync(head, cancellationToken).ConfigureAwait(false);
        desiredVersion = recorded.Version;
        lastCommit = head.Sha;
    }

    private async Task ReadRecordedHeadAsync(CancellationToken cancellationToken)
    {
        desiredVersion = 0;
        lastCommit = null;
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Desired, ReadDirection.Backwards, maxCount: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            desiredVersion = recorded.Version;
            lastCommit = recorded.Data switch
            {
                DesiredStateObserved observed => observed.Commit,
                DesiredStateRejected rejected => rejected.Commit,
                _ => recorded.Metadata.Commit,
            };
        }
    }

    private async Task<AppendResult> RecordAsync(CommitInfo head, CancellationToken cancellationToken)
    {
        IEvent data;
        try
        {
            var snapshot = await repository.ReadCommitAsync(head.Sha, cancellationToken).ConfigureAwait(false);
            var load = DesiredStateLoader.Load(snapshot.Files);
            data = load.State is { } state
                ? new DesiredStateObserved
                {
                    Commit = head.Sha,
                    Parents = head.Parents,
                    Author = head.Author,
                    Message = head.Message,
                    Branch = branch,
                    Services = state.Services.Select(s => s.Name).ToValueList(),
                    Files = snapshot.Files,
                }
                : Rejected(head, load.Errors.Select(e => e.ToString()));
        }
        catch (RepositoryFileException ex)
        {
            data = Rejected(head, [ex.Message]);
        }

        var result = await store.AppendAsync(
            StreamNames.Desired,
            ExpectedVersion.Exact(desiredVersion),
            new NewEvent(data) { EventId = DeterministicId.ForDesiredCommit(head.Sha, lastCommit), Commit = head.Sha, Actor = "controller" },
            cancellationToken).ConfigureAwait(false);
        if (!result.Appended)
        {
            ControllerLog.CommitAlreadyRecorded(logger, head.ShortSha);
        }
        else if (data is DesiredStateObserved observed)
        {
            ControllerLog.CommitObserved(logger, head.ShortSha, branch, observed.Services.Count, head.Subject);
        }
        else if (data is DesiredStateRejected rejected)
        {
            ControllerLog.CommitRejected(logger, head.ShortSha, branch, rejected.Errors.Count, rejected.Errors.Count > 0 ? rejected.Errors[0] : "");
        }

        return result;
    }

    private DesiredStateRejected Rejected(CommitInfo head, IEnumerable<string> errors) => new()
    {
        Commit = head.Sha,
        Errors = errors.ToValueList(),
        Author = head.Author,
        Message = head.Message,
        Branch = branch,
    };
}
