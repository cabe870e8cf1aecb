using System.Threading.Channels;
using GitOps.EventStore;
using GitOps.Git;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// What a controller does while it leads: recover its state from the store, then watch Git, follow the
/// store's new events (coalescing bursts), and render the hosts they affect.
/// Ends (by exception or cancellation) when leadership is lost; the service then competes again.
/// </summary>
internal sealed class LeaderSession(MartenEventStore store, GitRepository repository, string branch, RefChangeSignal gitSignal, ControllerOptions options, TimeProvider timeProvider, ILogger logger)
{
    private readonly HostRenderer renderer = new(store, options, logger);

    /// <summary>The position of the last snapshot taken (or recovered from).</summary>
    private GlobalPosition snapshotAt = GlobalPosition.Start;

    /// <summary>
    /// Snapshots taken and not yet saved, newest only: rendering never waits for a slow save, and the last snapshot
    /// taken is always saved (one that came due while another was being saved used to be skipped for good).
    /// </summary>
    private readonly Channel<ControllerSnapshot> snapshots = Channel.CreateBounded<ControllerSnapshot>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    private Task? snapshotSaver;

    // When the last rendering that published something began (timestamp of the time provider); null before the first.
    private long? lastRender;

    /// <summary>The state this session recovered and keeps current; null until recovered.</summary>
    private ReconcileState? recovered;

    /// <summary>Raised after each round of rendering, with how many hosts were published (tests and benchmarks wait on it).</summary>
    public event Action<int>? Rendered;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LeadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (recovered is { } state && state.Position > snapshotAt)
            {
                // Leaving (stopped, or leadership lost): the next leader replays only what comes after this.
                TakeSnapshot(state);
            }

            snapshots.Writer.Complete();
            if (snapshotSaver is not null)
            {
                await snapshotSaver.ConfigureAwait(false);
            }

            await renderer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        var state = await RecoverAsync(cancellationToken).ConfigureAwait(false);
        recovered = state;
        var watcher = new GitWatcher(store, repository, branch, gitSignal, options, logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new List<Task>
        {
            watcher.RunAsync(stop.Token),
            FollowAsync(state, stop.Token),
        };
        try
        {
            // Whichever ends first (a failure, or cancellation) ends the session.
            var first = await Task.WhenAny(tasks).ConfigureAwait(false);
            await first.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: the siblings were cancelled.
            }
        }
    }

    /// <summary>
    /// The last snapshot plus the events after it (the whole store when there is no snapshot): inputs up to the
    /// checkpoint count as handled, later ones are rendered now.
    /// </summary>
    private async Task<ReconcileState> RecoverAsync(CancellationToken cancellationToken)
    {
        var handled = await store.ReadCheckpointAsync(options.CheckpointName, cancellationToken).ConfigureAwait(false);
        var snapshot = await LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var state = snapshot is null ? new ReconcileState() : ReconcileState.FromSnapshot(snapshot);
        snapshotAt = state.Position;
        long tail = 0;
        await foreach (var recorded in store.ReadAllAsync(state.Position, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            state.Apply(recorded, pending: recorded.Position > handled);
            tail++;
        }

        if (snapshot is not null)
        {
            ControllerLog.RecoveredFromSnapshot(logger, snapshotAt.ToString(), tail);
        }

        ControllerLog.LeadershipGained(logger, options.LockName, state.HostNames().Count(), state.Position.ToString());
        await RenderAsync(state, cancellationToken).ConfigureAwait(false);
        return state;
    }

    private async Task<ControllerSnapshot?> LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await store.LoadDocumentAsync<ControllerSnapshot>(options.SnapshotName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            // Written by a gitops whose model had another shape: the events still hold everything.
            ControllerLog.SnapshotUnreadable(logger, options.SnapshotName, ex.Message);
            return null;
        }
    }

    /// <summary>Every <see cref="ControllerOptions.SnapshotEvery"/> events, stores the state as a snapshot in the background.</summary>
    private void MaybeSnapshot(ReconcileState state)
    {
        if (state.Position.Sequence - snapshotAt.Sequence >= options.SnapshotEvery)
        {
            TakeSnapshot(state);
        }
    }

    /// <summary>Copies <paramref name="state"/> now and has it saved in the background, one save at a time.</summary>
    private void TakeSnapshot(ReconcileState state)
    {
        snapshotAt = state.Position;
        snapshots.Writer.TryWrite(state.ToSnapshot(options.SnapshotName, timeProvider.GetUtcNow()));
        snapshotSaver ??= SaveSnapshotsAsync();
    }

    private async Task SaveSnapshotsAsync()
    {
        await foreach (var snapshot in snapshots.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await SaveSnapshotAsync(snapshot).ConfigureAwait(false);
        }
    }

    private async Task SaveSnapshotAsync(ControllerSnapshot snapshot)
    {
        try
        {
            // Never back: a leader that lost its lock may still be leaving after the next one saved a newer state.
            await store.StoreIfNewerAsync(snapshot.Id, snapshot, s => s.Sequence, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed snapshot costs the next leader a longer replay, nothing more.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ControllerLog.SnapshotFailed(logger, ex, snapshot.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), options.SnapshotEvery);
        }
    }

    private async Task FollowAsync(ReconcileState state, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<RecordedEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(state.Position, channel.Writer, cancellationToken);
        try
        {
            var reader = channel.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await CollectBurstAsync(reader, state, cancellationToken).ConfigureAwait(false);
                await RenderAsync(state, cancellationToken).ConfigureAwait(false);
            }

            await pump.ConfigureAwait(false);
        }
        finally
        {
            if (!pump.IsCompleted)
            {
                await Task.WhenAny(pump).ConfigureAwait(false);
            }
        }
    }

    private async Task PumpAsync(GlobalPosition after, ChannelWriter<RecordedEvent> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var recorded in store.SubscribeAsync("controller", after, cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(recorded, cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
#pragma warning disable CA1031 // Handed to the reader, which rethrows it and so ends the session.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            writer.TryComplete(ex);
        }
    }

    /// <summary>
    /// Applies what is waiting and, when the last rendering began less than the coalescing window ago, whatever arrives
    /// until the window since then has passed. Coalescing on the leading edge: the first change after a quiet spell is
    /// rendered at once, and only what arrives while the renderings follow each other closely is batched.
    /// </summary>
    private async Task CollectBurstAsync(ChannelReader<RecordedEvent> reader, ReconcileState state, CancellationToken cancellationToken)
    {
        var deadline = (lastRender ?? long.MinValue / 2) + (long)(options.CoalesceWindow.TotalSeconds * timeProvider.TimestampFrequency);
        while (true)
        {
            while (reader.TryRead(out var recorded))
            {
                state.Apply(recorded, pending: true);
            }

            var remaining = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(remaining, timeProvider);
            using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                if (!await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RenderAsync(ReconcileState state, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var published = await renderer.RenderPendingAsync(state, cancellationToken).ConfigureAwait(false);
        if (published > 0)
        {
            // Only a pass that published counts: inputs that changed no configuration (an agent's report) must not hold
            // back the next change.
            lastRender = started;
        }

        await store.SaveCheckpointAsync(options.CheckpointName, state.Position, cancellationToken).ConfigureAwait(false);
        MaybeSnapshot(state);
        Rendered?.Invoke(published);
    }
}
