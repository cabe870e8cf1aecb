using System.Globalization;
using System.Threading.Channels;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.Docker.Client;
using GitOps.Docker.Discovery;
using GitOps.EventStore;
using GitOps.HAProxy.Apply;
using GitOps.HAProxy.Runtime;
using GitOps.Keepalived.Runtime;
using GitOps.Processes;
using GitOps.Reconciler.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using CoreApplyMethod = GitOps.Core.Events.ApplyMethod;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// The agent of one load-balancer host: keeps the host's HAProxy running the configuration the event store says it
/// should, records what it did, and reports the host's containers.
/// <list type="bullet">
/// <item>Runs HAProxy in master-worker mode (<see cref="HAProxySupervisor"/>), adopting one a previous agent left running.</item>
/// <item>Converges to the latest <see cref="ConfigRendered"/> of <c>config-&lt;host&gt;</c> (skipping versions that were
/// superseded before it got to them), or to the version a <see cref="RollbackRequested"/> pinned (see
/// <see cref="AgentTargetReader"/>), by the cheapest safe path (<see cref="ConfigApplier"/>).</item>
/// <item>Records <see cref="ConfigApplied"/> or <see cref="ApplyFailed"/> on <c>applied-&lt;host&gt;</c>, once per apply
/// (event ids are derived from the configuration and rollback applied, so a restarted agent never records one twice),
/// and <see cref="DriftCorrected"/> when the live HAProxy had drifted (checked at start and every
/// <see cref="AgentOptions.DriftCheckInterval"/>).</item>
/// <item>Checks the files the configuration needs on this host (<see cref="ConfigRendered.RequiredFiles"/>: TLS certificates) before
/// each apply and every <see cref="AgentOptions.HostFactsInterval"/>, and records what it finds on <c>host-&lt;host&gt;</c>
/// (<see cref="HostFactsObserved"/>) when that changes; the controller then renders the host without the services whose
/// file is missing, or with them again once it is there. A configuration naming a file found missing is not applied: the
/// controller's next rendering will leave that service out.</item>
/// <item>Watches the host's Docker engine and stores its containers' events on <c>docker-&lt;host&gt;</c>, when an engine is given and answers.</item>
/// <item>Records <see cref="AgentStarted"/> at start, and warns when the latest desired state does not declare its host
/// (at start, and again at each new commit that still does not), since nothing is ever rendered for such a host.</item>
/// </list>
/// Nothing that fails in one step stops the agent: the failure is logged and counted and the step is retried; the one
/// exception, when <see cref="AgentOptions.StopWhenHAProxyCannotListen"/> asks for it, is HAProxy unable to listen at start.
/// </summary>
public sealed class AgentHost
{
    private readonly MartenEventStore store;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly AgentTargetReader reader;
    private readonly string appliedStream;
    private readonly List<NewEvent> pending = [];
    private HAProxySupervisor? supervisor;
    private ConfigApplier? applier;
    private (long Version, Guid? RollbackRequestId)? lastRecorded;
    private bool lastRecordedRead;
    private Guid? reportedUnknownRollback;
    private (long Version, Guid? RollbackRequestId)? reportedWaiting;
    private HostFactsReporter? hostFacts;
    private long failedSteps;
    private long completedSteps;
    private int discoveryRunning;
    private string? checkedCommit;
    private GlobalPosition desiredChecked = GlobalPosition.Start;
    private VirtualAddressKeeper? keeper;
    private (string Commit, DesiredState State)? desiredInForce;

    public AgentHost(MartenEventStore store, AgentOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RuntimeDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.DriftCheckInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.HostFactsInterval, TimeSpan.Zero);
        this.store = store;
        Options = options;
        time = timeProvider ?? TimeProvider.System;
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        logger = this.loggerFactory.CreateLogger<AgentHost>();
        reader = new AgentTargetReader(store, options.Host);
        appliedStream = StreamNames.Applied(options.Host);
    }

    public AgentOptions Options { get; }

    /// <summary>The version HAProxy runs now, as far as this agent knows; null before HAProxy runs.</summary>
    public long? AppliedVersion => AgentEvents.ParseVersion(Volatile.Read(ref applier)?.AppliedVersion);

    /// <summary>Steps (converge, drift check, subscription, discovery start) that failed and were retried.</summary>
    public long FailedSteps => Interlocked.Read(ref failedSteps);

    /// <summary>
    /// Passes of the main loop that succeeded. Each reads the streams afresh, so once this has grown by two since an event
    /// was stored, the agent has decided on it (tests wait on this instead of sleeping).
    /// </summary>
    public long CompletedSteps => Interlocked.Read(ref completedSteps);

    /// <summary>True while the Docker discovery watcher runs.</summary>
    public bool DiscoveryRunning => Volatile.Read(ref discoveryRunning) != 0;

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled, then stops its loops; HAProxy keeps serving
    /// unless <see cref="AgentOptions.StopHAProxyOnShutdown"/> is set.
    /// </summary>
    /// <exception cref="OperationCanceledException">Always, once cancelled.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        AgentLog.Starting(logger, Options.Host, Options.ConfigPath, Options.RuntimeDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(Options.ConfigPath)!);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var transparent = new TransparentProxyKeeper(new TransparentProxyRules(Options.IptablesProgram), Options.Host, logger);
        using var reporter = new HostFactsReporter(store, Options.Host, Options.Actor, transparent, logger);
        hostFacts = reporter;
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var discovery = Task.Run(() => RunDiscoveryAsync(stopping.Token), CancellationToken.None);
        var recheck = Task.Run(() => RecheckHostFilesAsync(reporter, wake.Writer, stopping.Token), CancellationToken.None);
        await using var addresses = new VirtualAddressKeeper(store, Options, time, loggerFactory);
        keeper = addresses;
        var notices = Task.Run(() => RecordNoticesAsync(addresses, stopping.Token), CancellationToken.None);
        var handBacks = Task.Run(() => HandBackAsync(addresses, stopping.Token), CancellationToken.None);
        Task? watch = null;
        try
        {
            // Taken before the first read of the streams: whatever is stored after it wakes the loop.
            var from = await RetryAsync(StartPositionAsync, cancellationToken).ConfigureAwait(false);
            var started = new NewEvent(new AgentStarted { Host = Options.Host }) { EventId = Guid.CreateVersion7(time.GetUtcNow()), Actor = Options.Actor };
            await RetryAsync(ct => AnnounceAsync(started, ct), cancellationToken).ConfigureAwait(false);
            watch = Task.Run(() => WatchStreamsAsync(from, wake.Writer, stopping.Token), CancellationToken.None);
            var nextDriftCheck = time.GetUtcNow() + Options.DriftCheckInterval;
            var checkDrift = false;
            while (true)
            {
                var succeeded = await StepAsync(checkDrift, cancellationToken).ConfigureAwait(false);
                if (succeeded)
                {
                    Interlocked.Increment(ref completedSteps);
                }

                if (checkDrift)
                {
                    nextDriftCheck = time.GetUtcNow() + Options.DriftCheckInterval;
                }

                var wait = succeeded ? nextDriftCheck - time.GetUtcNow() : Options.RetryDelay;
                checkDrift = !await WaitForWakeAsync(wake.Reader, wait, cancellationToken).ConfigureAwait(false) && succeeded;
            }
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(watch ?? Task.CompletedTask, discovery, recheck, notices, handBacks).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            hostFacts = null;
            if (Options.StopHAProxyOnShutdown)
            {
                await HandOverAsync(addresses).ConfigureAwait(false);
            }

            keeper = null;
            await ShutDownHAProxyAsync().ConfigureAwait(false);
            if (Options.StopHAProxyOnShutdown)
            {
                // HAProxy is gone: nothing uses the rules any more.
                await transparent.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass: record what is pending, decide, start HAProxy or apply, check drift. False when something failed.</summary>
    private async Task<bool> StepAsync(bool checkDrift, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await ReadLastRecordedAsync(cancellationToken).ConfigureAwait(false);
            var decision = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (decision.UnknownRollback is { } unknown && reportedUnknownRollback != unknown.EventId)
            {
                AgentLog.UnknownRollback(logger, Options.Host, unknown.EventId, unknown.Request.Actor, unknown.Request.ToVersion);
                reportedUnknownRollback = unknown.EventId;
            }

            var target = await UnlessNeedingMissingFilesAsync(decision.Target, cancellationToken).ConfigureAwait(false);
            if (applier is null)
            {
                await StartHAProxyAsync(target, cancellationToken).ConfigureAwait(false);
                await ConvergeVirtualAddressesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }

            if (target is not null && !Equals(lastRecorded, target.Key))
            {
                await ApplyAsync(applier, target, cancellationToken).ConfigureAwait(false);
            }

            if (checkDrift)
            {
                var correction = await applier.CorrectDriftAsync(cancellationToken).ConfigureAwait(false);
                await RecordDriftAsync(correction, cancellationToken).ConfigureAwait(false);
            }

            await ConvergeVirtualAddressesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The agent outlives any one failure (store down, HAProxy refusing to start, a bug): log, count, retry.
        catch (Exception ex) when (ex is not ListenerConflictException)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref failedSteps);
            AgentLog.StepFailed(logger, Options.Host, Options.RetryDelay.TotalMilliseconds, ex);
            return false;
        }
    }

    /// <summary>
    /// Reports the files <paramref name="target"/> needs and sets up what else it needs (transparent proxying); returns
    /// null instead of it when its text names a file that is not usable here (HAProxy would refuse it) or a service whose
    /// capability the host cannot have (it would not be served): the controller renders the host again without that
    /// service, which wakes the agent. A rollback's target is tried all the same: the operator asked for that exact
    /// configuration.
    /// </summary>
    private async Task<AgentTarget?> UnlessNeedingMissingFilesAsync(AgentTarget? target, CancellationToken cancellationToken)
    {
        if (target is null || hostFacts is null)
        {
            return target;
        }

        var (files, capabilities) = await hostFacts.ReportAsync(target, cancellationToken).ConfigureAwait(false);
        var blocking = target.Config.RequiredFiles
            .Where(f => f.Problem is null)
            .Select(f => files.TryGetValue(f.Path, out var fact) ? fact : null)
            .Where(fact => fact is { State: not HostFileState.Present })
            .Select(fact => (What: fact!.Path, Problem: fact.Problem() ?? "is not usable"))
            .Concat(target.Config.RequiredCapabilities
                .Where(c => c.Problem is null)
                .Select(c => capabilities.TryGetValue(c.Name, out var fact) ? fact : null)
                .Where(fact => fact is { Problem: not null })
                .Select(fact => (What: fact!.Name, Problem: "is not possible here: " + fact.Problem)))
            .FirstOrDefault();
        if (blocking.What is null || target.Pinned)
        {
            return target;
        }

        if (!Equals(reportedWaiting, target.Key))
        {
            AgentLog.WaitingForRender(logger, Options.Host, target.Config.Version, blocking.What, blocking.Problem);
            reportedWaiting = target.Key;
        }

        return null;
    }

    /// <summary>Every <see cref="AgentOptions.HostFactsInterval"/>, checks the needed files again and wakes the main loop when they changed.</summary>
    private async Task RecheckHostFilesAsync(HostFactsReporter reporter, ChannelWriter<bool> wake, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.HostFactsInterval, time, cancellationToken).ConfigureAwait(false);
                if (await reporter.RecheckAsync(cancellationToken).ConfigureAwait(false))
                {
                    wake.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store hiccup or an odd file must not end the re-checks: logged, counted, tried again next interval.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref failedSteps);
                AgentLog.HostFactsFailed(logger, Options.Host, Options.HostFactsInterval.TotalMilliseconds, ex);
            }
        }
    }

    private async Task StartHAProxyAsync(AgentTarget? target, CancellationToken cancellationToken)
    {
        var supervisorOptions = new HAProxySupervisorOptions
        {
            ConfigPath = Options.ConfigPath,
            RuntimeDirectory = Options.RuntimeDirectory,
            HAProxyProgram = Options.HAProxyProgram,
        };
        var newSupervisor = new HAProxySupervisor(supervisorOptions, time, loggerFactory.CreateLogger<HAProxySupervisor>());
        var newApplier = new ConfigApplier(
            newSupervisor,
            new ConfigApplierOptions { AdminSocketPath = Options.AdminSocketPath, DrainTimeout = Options.DrainTimeout },
            time,
            loggerFactory.CreateLogger<ConfigApplier>());
        var firstStart = !File.Exists(newApplier.AppliedCopyPath) && !File.Exists(Options.ConfigPath);
        if (firstStart && target is null)
        {
            await newSupervisor.DisposeAsync().ConfigureAwait(false);
            AgentLog.WaitingForFirstConfig(logger, Options.Host);
            return;
        }

        var started = time.GetTimestamp();
        ApplierStartResult result;
        try
        {
            result = await newApplier.StartAsync(target?.Config.Text, target?.Label, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // Leaves HAProxy as it is (running or not): the next attempt starts from scratch and adopts what runs.
            await newSupervisor.DisposeAsync().ConfigureAwait(false);
            var configText = File.Exists(Options.ConfigPath) ? await File.ReadAllTextAsync(Options.ConfigPath, cancellationToken).ConfigureAwait(false) : target?.Config.Text;
            var stopWith = Options.StopWhenHAProxyCannotListen && ListenerConflict.Find(ex.Message, configText) is { } conflict
                ? new ListenerConflictException(conflict, conflict.Describe(Options.Host), ex)
                : null;
            if (firstStart && target is not null)
            {
                // The host never served anything: its first configuration cannot run here (haproxy -c, a port taken, …).
                var failed = AgentEvents.Failed(Options.Host, target, stopWith?.Message ?? ex.Message, null, ValueList<string>.Empty);
                if (stopWith is null)
                {
                    await RecordAsync(failed, target, cancellationToken).ConfigureAwait(false);
                    return;
                }

                // Stored for `gitops status`, not logged: the exception is what the operator reads, once.
                await StoreAsync(failed, target, cancellationToken).ConfigureAwait(false);
            }

            if (stopWith is not null)
            {
                throw stopWith;
            }

            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && newSupervisor.MasterPid != 0 && PosixSignals.IsRunning(newSupervisor.MasterPid))
        {
            // Stopped (Ctrl-C) after HAProxy came up but before the start was recorded: HAProxy serves, so the shutdown
            // treats it as this agent's (keeps it serving, or stops it with StopHAProxyOnShutdown).
            supervisor = newSupervisor;
            throw;
        }
        catch
        {
            await newSupervisor.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        supervisor = newSupervisor;
        Volatile.Write(ref applier, newApplier);
        AgentLog.HAProxyStarted(logger, Options.Host, result.Adopted ? "adopted" : "started", newSupervisor.MasterPid);
        await RecordDriftAsync(result.Recovery, cancellationToken).ConfigureAwait(false);
        if (target is null || Equals(lastRecorded, target.Key))
        {
            return;
        }

        if (result.Apply is { } apply)
        {
            await RecordAsync(AgentEvents.FromApply(Options.Host, target, apply), target, cancellationToken).ConfigureAwait(false);
        }
        else if (newApplier.AppliedVersion == target.Label)
        {
            // Live from the start: a first start on it, or a previous agent applied it and stopped before recording it.
            var how = result.Adopted ? "adopted the running HAProxy" : "started HAProxy";
            var method = result.Adopted ? CoreApplyMethod.Unchanged : CoreApplyMethod.Start;
            var operations = ValueList.Create($"{how} (master pid {newSupervisor.MasterPid.ToString(CultureInfo.InvariantCulture)}) on {Options.ConfigPath}");
            await RecordAsync(AgentEvents.Applied(Options.Host, target, method, time.GetElapsedTime(started), target.Config.Sha256, operations), target, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The same text under another version: the applier only relabels it.
            await ApplyAsync(newApplier, target, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(ConfigApplier current, AgentTarget target, CancellationToken cancellationToken)
    {
        var result = await current.ApplyAsync(target.Config.Text, target.Label, cancellationToken).ConfigureAwait(false);
        await RecordAsync(AgentEvents.FromApply(Options.Host, target, result), target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the outcome of an apply of <paramref name="target"/>, under the id that makes a second recording a no-op.</summary>
    private async Task RecordAsync(IEvent outcome, AgentTarget target, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case ConfigApplied applied:
                lastRecorded = target.Key;
                AgentLog.Applied(logger, Options.Host, applied.Version, applied.Method.ToString().ToLowerInvariant(), applied.Duration.TotalMilliseconds, target.Pinned ? " (pinned by a rollback)" : "");
                break;
            case ApplyFailed failed:
                AgentLog.ApplyFailed(logger, Options.Host, failed.Version, failed.KeptVersion is { } kept ? "version " + kept.ToString(CultureInfo.InvariantCulture) : "the last good configuration", failed.Error);
                break;
        }

        await StoreAsync(outcome, target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends the outcome of an apply of <paramref name="target"/> (after what is pending) under its idempotent id.</summary>
    private async Task StoreAsync(IEvent outcome, AgentTarget target, CancellationToken cancellationToken)
    {
        pending.Add(new NewEvent(outcome)
        {
            EventId = AgentEvents.IdFor(Options.Host, target, outcome),
            Actor = Options.Actor,
            Commit = target.Config.Commit,
            CausationId = target.RollbackRequestId ?? target.ConfigEventId,
        });
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordDriftAsync(DriftCorrection correction, CancellationToken cancellationToken)
    {
        if (!correction.Drift.HasDrift)
        {
            return;
        }

        var drift = AgentEvents.Drift(Options.Host, correction, applier?.AppliedVersion);
        AgentLog.DriftCorrected(logger, Options.Host, drift.What);
        pending.Add(new NewEvent(drift) { Actor = Options.Actor });
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends what is waiting, in order; what fails stays pending (same ids) for the next step.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (pending.Count > 0)
        {
            await store.AppendAsync(appliedStream, ExpectedVersion.Any, pending[0], cancellationToken).ConfigureAwait(false);
            pending.RemoveAt(0);
        }
    }

    /// <summary>Learns what the previous agent recorded last, so that nothing it recorded is recorded again.</summary>
    private async Task ReadLastRecordedAsync(CancellationToken cancellationToken)
    {
        if (lastRecordedRead)
        {
            return;
        }

        await foreach (var recorded in store.ReadStreamAsync(appliedStream, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is ConfigApplied applied)
            {
                lastRecorded = (applied.Version, applied.RollbackRequestId);
                break;
            }
        }

        lastRecordedRead = true;
    }

    /// <summary>
    /// Records that this agent started and checks its host against the latest desired state; the desired events stored
    /// after that one are checked as the subscription brings them.
    /// </summary>
    private async Task<bool> AnnounceAsync(NewEvent started, CancellationToken cancellationToken)
    {
        await store.AppendAsync(StreamNames.Agents, ExpectedVersion.Any, started, cancellationToken).ConfigureAwait(false);
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Desired, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is DesiredStateObserved observed)
            {
                desiredChecked = recorded.Position;
                CheckDeclared(observed);
                break;
            }
        }

        return true;
    }

    /// <summary>Warns, once per commit, when <paramref name="observed"/> does not declare this agent's host.</summary>
    private void CheckDeclared(DesiredStateObserved observed)
    {
        if (observed.Commit == checkedCommit || DeclaredHosts.Of(observed) is not { } declared)
        {
            return;
        }

        checkedCommit = observed.Commit;
        if (!declared.Contains(Options.Host, StringComparer.Ordinal))
        {
            AgentLog.HostNotDeclared(logger, Options.Host, CommitText.Short(observed.Commit), string.Join(", ", declared));
        }
    }

    /// <summary>The latest position among the streams the agent reads and writes; the start of the store when they are empty.</summary>
    private async Task<GlobalPosition> StartPositionAsync(CancellationToken cancellationToken)
    {
        var position = GlobalPosition.Start;
        foreach (var stream in new[] { StreamNames.Config(Options.Host), StreamNames.Operator, appliedStream })
        {
            await foreach (var recorded in store.ReadStreamAsync(stream, ReadDirection.Backwards, maxCount: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                position = recorded.Position > position ? recorded.Position : position;
            }
        }

        return position;
    }

    /// <summary>
    /// The streams whose events can wake the agent of <paramref name="host"/>, the only ones its subscription reads (the
    /// database filters them): an agent of a fleet neither reads the other hosts' configurations nor wakes at their appends.
    /// </summary>
    internal static IReadOnlySet<string> WatchedStreams(string host) =>
        new HashSet<string>(StringComparer.Ordinal) { StreamNames.Config(host), StreamNames.Operator, StreamNames.Desired };

    /// <summary>Wakes the main loop for every new event of <c>config-&lt;host&gt;</c> and every rollback request for the host.</summary>
    private async Task WatchStreamsAsync(GlobalPosition after, ChannelWriter<bool> wake, CancellationToken cancellationToken)
    {
        var configStream = StreamNames.Config(Options.Host);
        var streams = WatchedStreams(Options.Host);
        var position = after;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var recorded in store.SubscribeAsync("agent@" + Options.Host, position, streams, cancellationToken).ConfigureAwait(false))
                {
                    position = recorded.Position;
                    if (recorded.Stream == configStream || (recorded.Data is RollbackRequested request && request.Host == Options.Host && recorded.Stream == StreamNames.Operator))
                    {
                        wake.TryWrite(true);
                    }
                    else if (recorded.Data is DesiredStateObserved observed && recorded.Stream == StreamNames.Desired && recorded.Position > desiredChecked)
                    {
                        CheckDeclared(observed);
                        // The virtual-address groups may have changed.
                        wake.TryWrite(true);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The subscription outlives any failure: the periodic check covers the gap, the loop resubscribes.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref failedSteps);
                AgentLog.SubscriptionFailed(logger, Options.Host, Options.RetryDelay.TotalMilliseconds, ex);
                wake.TryWrite(true);
                await Task.Delay(Options.RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True when woken by an event, false when <paramref name="timeout"/> passed.</summary>
    private async Task<bool> WaitForWakeAsync(ChannelReader<bool> wake, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (wake.TryRead(out _))
        {
            return true;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, timer.Token);
        var read = wake.WaitToReadAsync(timer.Token).AsTask();
        var first = await Task.WhenAny(delay, read).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(delay, read).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == read && wake.TryRead(out _);
    }

    private async Task RunDiscoveryAsync(CancellationToken cancellationToken)
    {
        if (Options.DockerEndpoint is not { } endpoint)
        {
            AgentLog.DiscoveryOff(logger, Options.Host);
            return;
        }

        using var client = CreateDockerClient(endpoint);
        if (client is null)
        {
            return;
        }

        try
        {
            var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            AgentLog.DiscoveryStarted(logger, Options.Host, endpoint.ToString(), version.ApiVersion);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Whatever keeps the engine from answering, the remedy is the same: go on without discovery, and say so.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AgentLog.DockerUnavailable(logger, Options.Host, endpoint.ToString(), ex.Message);
            return;
        }

        var watcher = new DockerDiscoveryWatcher(client, Options.Host, new EventStoreDiscoverySink(store, Options.Actor), time, loggerFactory.CreateLogger<DockerDiscoveryWatcher>());
        Volatile.Write(ref discoveryRunning, 1);
        try
        {
            await watcher.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The watcher never fails by design; should it, applying configurations must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref failedSteps);
            AgentLog.DiscoveryFailed(logger, Options.Host, ex);
        }
        finally
        {
            Volatile.Write(ref discoveryRunning, 0);
        }
    }

    /// <summary>The engine's client; null (logged) when its TLS files cannot be used: the agent goes on without discovery.</summary>
    private DockerEngineClient? CreateDockerClient(DockerEndpoint endpoint)
    {
        try
        {
            return new DockerEngineClient(endpoint, null, loggerFactory.CreateLogger<DockerEngineClient>());
        }
        catch (DockerTlsException ex)
        {
            AgentLog.DockerUnavailable(logger, Options.Host, endpoint.ToString(), ex.Message);
            return null;
        }
    }

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref failedSteps);
                AgentLog.StepFailed(logger, Options.Host, Options.RetryDelay.TotalMilliseconds, ex);
                await Task.Delay(Options.RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs keepalived for the virtual-address groups of the latest accepted desired state (started only once HAProxy
    /// runs; its health check keeps it from claiming an address before HAProxy serves), or stops it when there are none.
    /// </summary>
    private async Task ConvergeVirtualAddressesAsync(CancellationToken cancellationToken)
    {
        if (keeper is null || applier is null)
        {
            return;
        }

        if (await DesiredInForce.ReadAsync(store, cancellationToken).ConfigureAwait(false) is not { } observed)
        {
            return;
        }

        if (desiredInForce?.Commit != observed.Commit)
        {
            // The controller stored it only after validating it: a state that does not load is not in force.
            if (DesiredInForce.Load(observed) is not { } state)
            {
                return;
            }

            desiredInForce = (observed.Commit, state);
        }

        await keeper.ConvergeAsync(desiredInForce.Value.State, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every <see cref="AgentOptions.NoticeInterval"/>, records the state changes the notify log gained.</summary>
    private async Task RecordNoticesAsync(VirtualAddressKeeper addresses, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.NoticeInterval, time, cancellationToken).ConfigureAwait(false);
                await addresses.RecordNoticesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store outage must not end the recording: the lines stay in the log and are recorded next round.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref failedSteps);
                AgentLog.VirtualAddressRecordFailed(logger, Options.Host, ex);
            }
        }
    }

    /// <summary>
    /// Every <see cref="AgentOptions.HandBackCheckInterval"/>: for each address this host holds, when a host of higher
    /// preference in its group was last recorded as a healthy backup, hands the address back to it (keepalived runs with
    /// <c>nopreempt</c>, so the address only moves once the requests under way here are done). A hand-back the preferred
    /// host did not take is not tried again until that host records something new.
    /// </summary>
    private async Task HandBackAsync(VirtualAddressKeeper addresses, CancellationToken cancellationToken)
    {
        var refused = new HashSet<Guid>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.HandBackCheckInterval, time, cancellationToken).ConfigureAwait(false);
                foreach (var (instance, group) in addresses.Groups)
                {
                    if (!addresses.Holds(instance))
                    {
                        continue;
                    }

                    foreach (var peer in group.Hosts.TakeWhile(h => h != Options.Host))
                    {
                        var newest = await NewestMoveAsync(peer, group.Cidr, cancellationToken).ConfigureAwait(false);
                        if (newest is not { Data: VirtualAddressReleased { State: KeepalivedNotice.Backup } } || refused.Contains(newest.EventId))
                        {
                            continue;
                        }

                        var since = time.GetUtcNow();
                        var (handedBack, outcome) = await addresses.HandBackAsync(
                            instance, peer, ct => PeersHoldAsync([group.Cidr], [peer], since, ct), Options.HandBackTimeout, cancellationToken).ConfigureAwait(false);
                        if (!handedBack)
                        {
                            refused.Add(newest.EventId);
                        }

                        AgentLog.HandedBack(logger, Options.Host, group.Cidr, peer, outcome);
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store outage must not end the checks: the next round tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref failedSteps);
                AgentLog.HandBackFailed(logger, Options.Host, ex);
            }
        }
    }

    /// <summary>The newest virtual-address event <paramref name="host"/> recorded for <paramref name="cidr"/>, among its last 50 events.</summary>
    private async Task<RecordedEvent?> NewestMoveAsync(string host, string cidr, CancellationToken cancellationToken)
    {
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.HostFacts(host), ReadDirection.Backwards, maxCount: 50, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is VirtualAddressEvent move && move.Address == cidr)
            {
                return recorded;
            }
        }

        return null;
    }

    /// <summary>
    /// A planned stop: gives this host's virtual addresses to its peers (stopping keepalived releases them and tells the
    /// peers at once) and waits, bounded by <see cref="AgentOptions.HandOverTimeout"/>, until another host records that it
    /// holds each of them, so HAProxy stops only once no client is sent here any more.
    /// </summary>
    private async Task HandOverAsync(VirtualAddressKeeper addresses)
    {
        var held = addresses.Groups.Values.Select(g => g.Cidr).ToList();
        if (held.Count == 0)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(Options.HandOverTimeout, time);
        var since = time.GetUtcNow();
        string outcome;
        var drained = "not drained";
        try
        {
            // Requests under way here would be cut by the move: let them finish first, turning new ones away meanwhile.
            drained = await addresses.DrainAsync(Options.HandOverDrainTimeout, deadline.Token).ConfigureAwait(false);
            await addresses.StopAsync(deadline.Token).ConfigureAwait(false);
            await addresses.RecordNoticesAsync(deadline.Token).ConfigureAwait(false);
            var peers = desiredInForce?.State.Settings.VirtualAddresses.Where(g => held.Contains(g.Cidr)).SelectMany(g => g.Hosts).Where(h => h != Options.Host).Distinct().ToList() ?? [];
            while (!await PeersHoldAsync(held, peers, since, deadline.Token).ConfigureAwait(false))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, deadline.Token).ConfigureAwait(false);
            }

            outcome = "a peer holds each of them";
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            outcome = $"no peer was seen holding them within {Options.HandOverTimeout.TotalSeconds:0.#} s ({ex.Message}); stopping HAProxy all the same";
        }
        finally
        {
            await addresses.UndrainAsync(CancellationToken.None).ConfigureAwait(false);
        }

        AgentLog.HandedOver(logger, Options.Host, string.Join(", ", held), $"{drained}; {outcome}");
    }

    /// <summary>True when, for every address, one of <paramref name="peers"/> recorded taking it after <paramref name="since"/>.</summary>
    private async Task<bool> PeersHoldAsync(IReadOnlyList<string> cidrs, IReadOnlyList<string> peers, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var peer in peers)
        {
            await foreach (var recorded in store.ReadStreamAsync(StreamNames.HostFacts(peer), ReadDirection.Backwards, maxCount: 50, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (recorded.Data is VirtualAddressAcquired acquired && acquired.At >= since.AddSeconds(-1))
                {
                    taken.Add(acquired.Address);
                }
            }
        }

        return cidrs.All(taken.Contains);
    }

    private async Task ShutDownHAProxyAsync()
    {
        if (supervisor is not { } running)
        {
            AgentLog.Stopped(logger, Options.Host, "was not started by this agent");
            return;
        }

        if (Options.StopHAProxyOnShutdown)
        {
            await running.StopAsync(CancellationToken.None).ConfigureAwait(false);
            AgentLog.Stopped(logger, Options.Host, "stopped (StopHAProxyOnShutdown)");
        }
        else
        {
            AgentLog.Stopped(logger, Options.Host, "keeps serving the last applied configuration");
        }

        await running.DisposeAsync().ConfigureAwait(false);
        supervisor = null;
        Volatile.Write(ref applier, null);
    }
}
