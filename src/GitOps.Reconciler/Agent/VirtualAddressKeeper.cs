using System.Globalization;
using System.Net;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Keepalived.Rendering;
using GitOps.Keepalived.Runtime;
using GitOps.Keepalived.Validation;
using GitOps.HAProxy.Apply;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// The agent's part of a highly available pair: runs keepalived while the host belongs to a virtual-address group of
/// the desired state in force, and records what keepalived does with the addresses.
/// <list type="bullet">
/// <item>Renders keepalived's configuration and scripts (<see cref="KeepalivedConfigRenderer"/>) under the agent's runtime
/// directory, checks it with <c>keepalived --config-test</c>, and starts keepalived, or reloads it (SIGHUP) when the
/// groups change in Git; stops it, which releases the address first, when the host leaves every group.</item>
/// <item>Sets <c>net.ipv4.ip_nonlocal_bind</c> (and IPv6's) so HAProxy can bind a virtual address the host does not hold.</item>
/// <item>Turns the lines of keepalived's notify FIFO (as its reader logged them) into <see cref="VirtualAddressAcquired"/>,
/// <see cref="VirtualAddressReleased"/> and <see cref="VirtualAddressFaulted"/> on <c>host-&lt;host&gt;</c>, under ids derived
/// from the line's place in the log, so a restarted agent records nothing twice and what happened while no agent ran is
/// recorded late, with its own time.</item>
/// </list>
/// </summary>
internal sealed class VirtualAddressKeeper(MartenEventStore store, AgentOptions options, TimeProvider time, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<VirtualAddressKeeper>();
    // Built at first use: an agent whose host is in no group never needs (nor checks) keepalived's directory.
    private readonly Lazy<KeepalivedPaths> lazyPaths = new(() => new KeepalivedPaths(options.KeepalivedDirectory));
    private readonly string stream = StreamNames.HostFacts(options.Host);
    private readonly VirtualAddressDrain drain = new(time);
    // Every instance's state as keepalived last reported it (MASTER, BACKUP, FAULT, STOP).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> states = new(StringComparer.Ordinal);
    // Hand-backs under way or just done, by instance: the FAULT they cause is recorded as a release to that host.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset From, DateTimeOffset Until, string Peer)> handBacks = new(StringComparer.Ordinal);
    private KeepalivedSupervisor? supervisor;
    private Dictionary<string, VirtualAddressModel> groups = new(StringComparer.Ordinal);
    // Every instance's latest group, kept after the group leaves: keepalived's last lines (STOP) may arrive afterwards.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, VirtualAddressModel> known = new(StringComparer.Ordinal);
    private string? runningText;
    private bool converged;

    private KeepalivedPaths Paths => lazyPaths.Value;

    /// <summary>The groups of this host in the desired state last converged to, by VRRP instance name.</summary>
    public IReadOnlyDictionary<string, VirtualAddressModel> Groups => groups;

    /// <summary>Makes keepalived run the groups <paramref name="desired"/> gives this host, or stops it when there are none.</summary>
    public async Task ConvergeAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        if (!desired.VirtualAddressesOf(options.Host).Any())
        {
            await StopAsync(cancellationToken).ConfigureAwait(false);
            groups = new(StringComparer.Ordinal);
            converged = true;
            return;
        }

        var text = KeepalivedConfigRenderer.Render(desired, options.Host, Paths);
        if (text is null)
        {
            await StopAsync(cancellationToken).ConfigureAwait(false);
            groups = new(StringComparer.Ordinal);
            converged = true;
            return;
        }

        groups = desired.VirtualAddressesOf(options.Host).ToDictionary(KeepalivedConfigRenderer.InstanceName, StringComparer.Ordinal);
        foreach (var (instance, group) in groups)
        {
            known[instance] = group;
        }
        if (text == runningText && supervisor is { IsRunning: true })
        {
            return;
        }

        Directory.CreateDirectory(Paths.Directory);
        var socat = GitOps.Processes.ProcessRunner.FindOnPath("socat")
            ?? throw new InvalidOperationException("'socat' was not found on PATH; keepalived's health check of HAProxy needs it. Install it with deploy/setup.sh.");
        var flock = GitOps.Processes.ProcessRunner.FindOnPath("flock")
            ?? throw new InvalidOperationException("'flock' (util-linux) was not found on PATH; the reader of keepalived's notify FIFO needs it. Install util-linux.");
        await WriteScriptAsync(Paths.CheckScriptPath, KeepalivedConfigRenderer.RenderCheckScript(options.Host, options.AdminSocketPath, socat), cancellationToken).ConfigureAwait(false);
        await WriteScriptAsync(Paths.NotifyFifoScriptPath, KeepalivedConfigRenderer.RenderNotifyFifoScript(options.Host, Paths, flock), cancellationToken).ConfigureAwait(false);

        var candidate = Paths.ConfigPath + ".new";
        await File.WriteAllTextAsync(candidate, text, cancellationToken).ConfigureAwait(false);
        var check = await KeepalivedConfigChecker.CheckAsync([options.KeepalivedProgram], candidate, cancellationToken).ConfigureAwait(false);
        if (!check.IsValid)
        {
            // The running keepalived (if any) keeps its last good configuration.
            throw new InvalidOperationException($"keepalived --config-test refused the configuration of host {options.Host} ({candidate}): {check.Output}");
        }

        File.Move(candidate, Paths.ConfigPath, overwrite: true);
        AllowNonlocalBind();
        if (supervisor is null)
        {
            // A drain an earlier agent began and never ended (it crashed mid hand-over) would turn new clients away.
            await drain.OpenAsync(null, cancellationToken).ConfigureAwait(false);
            var started = new KeepalivedSupervisor(options.KeepalivedProgram, Paths, time, loggerFactory.CreateLogger<KeepalivedSupervisor>());
            try
            {
                await started.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await started.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            supervisor = started;
            if (runningText is null && text != await ReadAdoptedTextAsync().ConfigureAwait(false))
            {
                await supervisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await supervisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        runningText = text;
        converged = true;
        AgentLog.KeepalivedConverged(logger, options.Host, string.Join(", ", groups.Values.Select(g => g.Cidr)), supervisor.Pid);
    }

    /// <summary>
    /// Records the notify log's new lines as events; returns how many were recorded. Waits for the first
    /// <see cref="ConvergeAsync"/>: the lines name VRRP instances, which only the groups tell the addresses of.
    /// </summary>
    public async Task<int> RecordNoticesAsync(CancellationToken cancellationToken)
    {
        if (!converged)
        {
            return 0;
        }

        var log = new NotifyLog(Paths);
        var (notices, end) = await log.ReadNewAsync(cancellationToken).ConfigureAwait(false);
        foreach (var notice in notices)
        {
            states[notice.Instance] = notice.State;
        }

        var events = notices
            .Select(n => (Notice: n, Event: ToEvent(n)))
            .Where(p => p.Event is not null)
            .Select(p => new NewEvent(p.Event!)
            {
                EventId = AgentEventIds.From("gitops", "virtual-address", options.Host, p.Notice.EndOffset.ToString(CultureInfo.InvariantCulture), p.Notice.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                Actor = options.Actor,
            })
            .ToList();
        if (events.Count > 0)
        {
            await store.AppendAsync(stream, ExpectedVersion.Any, events, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in events.Select(e => (VirtualAddressEvent)e.Data))
            {
                AgentLog.VirtualAddressMoved(logger, options.Host, recorded.GetType().Name, recorded.Address, recorded.Reason);
            }
        }

        if (notices.Count > 0 || events.Count > 0)
        {
            await log.CommitAsync(end, cancellationToken).ConfigureAwait(false);
        }

        return events.Count;
    }

    /// <summary>
    /// Before a planned move: turns new clients of this host's virtual addresses away (their SYNs are dropped, so they
    /// try again a second later, by when the peer holds the address) and waits, at most <paramref name="bound"/>, until
    /// the connections already open here are done. Returns how it went, in words for the log.
    /// </summary>
    public Task<string> DrainAsync(TimeSpan bound, CancellationToken cancellationToken) => DrainAsync(DrainedAddresses(), bound, cancellationToken);

    private async Task<string> DrainAsync(IPAddress[] addresses, TimeSpan bound, CancellationToken cancellationToken)
    {
        if (await drain.CloseAsync(addresses, cancellationToken).ConfigureAwait(false) is { } impossible)
        {
            return $"not drained: {impossible}";
        }

        var open = await drain.WaitUntilIdleAsync(addresses, TimeSpan.FromMilliseconds(10), bound, cancellationToken).ConfigureAwait(false);
        return open == 0
            ? "drained"
            : $"drained for {bound.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s, {open.ToString(CultureInfo.InvariantCulture)} connection(s) still open";
    }

    /// <summary>Whether keepalived last reported <paramref name="instance"/> as MASTER (this host holds its address).</summary>
    public bool Holds(string instance) => states.TryGetValue(instance, out var state) && state == KeepalivedNotice.Master;

    /// <summary>
    /// Gives the address of <paramref name="instance"/> back to <paramref name="peer"/>, a host of higher preference that
    /// is healthy again (keepalived runs with <c>nopreempt</c>, so a recovered host never takes an address by itself and
    /// cuts the requests under way): drains (<see cref="DrainAsync(TimeSpan, CancellationToken)"/>), puts the instance in FAULT through its track file,
    /// waits, at most <paramref name="bound"/>, until <paramref name="peerHolds"/> says the peer took it, then lets the
    /// instance take part again as a backup. Returns true when the peer took it, and how it went in words for the log.
    /// </summary>
    public async Task<(bool HandedBack, string Outcome)> HandBackAsync(
        string instance, string peer, Func<CancellationToken, Task<bool>> peerHolds, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerHolds);
        var group = groups[instance];
        IPAddress[] address = [IPAddress.Parse(group.Address)];
        var yieldFile = Paths.YieldFilePath(instance);
        var from = time.GetUtcNow();
        handBacks[instance] = (from, DateTimeOffset.MaxValue, peer);
        try
        {
            var drained = await DrainAsync(address, options.HandOverDrainTimeout, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(yieldFile, "1\n", cancellationToken).ConfigureAwait(false);
            var deadline = time.GetUtcNow() + bound;
            while (!await peerHolds(cancellationToken).ConfigureAwait(false))
            {
                if (time.GetUtcNow() >= deadline)
                {
                    return (false, $"{drained}; {peer} did not take it within {bound.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s, so this host takes part again");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
            }

            return (true, $"{drained}; {peer} holds it");
        }
        finally
        {
            await File.WriteAllTextAsync(yieldFile, "0\n", CancellationToken.None).ConfigureAwait(false);
            await drain.OpenAsync(address, CancellationToken.None).ConfigureAwait(false);
            handBacks[instance] = (from, time.GetUtcNow() + TimeSpan.FromSeconds(1), peer);
        }
    }

    /// <summary>Ends a drain: new clients of the addresses are let in again (on this host, when it holds one later).</summary>
    public Task UndrainAsync(CancellationToken cancellationToken) => drain.OpenAsync(DrainedAddresses(), cancellationToken);

    private IPAddress[] DrainedAddresses() => [.. groups.Values.Select(g => IPAddress.Parse(g.Address)).Distinct()];

    /// <summary>Stops keepalived when it runs (releasing the addresses it holds) and forgets its configuration.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (supervisor is null)
        {
            // A keepalived left by an earlier agent for groups this host has left: adopt it to stop it.
            if (!Directory.Exists(options.KeepalivedDirectory) || !File.Exists(Paths.PidFilePath))
            {
                return;
            }

            supervisor = new KeepalivedSupervisor(options.KeepalivedProgram, Paths, time, loggerFactory.CreateLogger<KeepalivedSupervisor>());
            await supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await supervisor.StopAsync(cancellationToken).ConfigureAwait(false);
        await supervisor.DisposeAsync().ConfigureAwait(false);
        supervisor = null;
        runningText = null;
        File.Delete(Paths.ConfigPath);
        File.Delete(Paths.PidFilePath);
        AgentLog.KeepalivedStopped(logger, options.Host);
    }

    /// <summary>Stops supervising; keepalived keeps running, as HAProxy does, so an agent restart never moves an address.</summary>
    public async ValueTask DisposeAsync()
    {
        if (supervisor is { } running)
        {
            await running.DisposeAsync().ConfigureAwait(false);
            supervisor = null;
        }
    }

    /// <summary>
    /// The event a notice stands for: MASTER took the address, BACKUP and STOP gave it up, FAULT cannot hold it; null for an
    /// instance this agent never ran (a line of a keepalived an earlier agent ran for groups since removed from Git).
    /// </summary>
    internal VirtualAddressEvent? ToEvent(KeepalivedNotice notice)
    {
        if (!known.TryGetValue(notice.Instance, out var group))
        {
            return null;
        }

        var priority = notice.Priority.ToString(CultureInfo.InvariantCulture);
        return notice.State switch
        {
            KeepalivedNotice.Master => new VirtualAddressAcquired
            {
                Host = options.Host, Address = group.Cidr, At = notice.At, State = notice.State, Priority = notice.Priority,
                Reason = $"master at priority {priority}: this host's HAProxy serves and no host of higher preference holds {group.Address}",
            },
            KeepalivedNotice.Backup => new VirtualAddressReleased
            {
                Host = options.Host, Address = group.Cidr, At = notice.At, State = notice.State, Priority = notice.Priority,
                Reason = $"backup at priority {priority}: a host of higher preference holds {group.Address}, or this one just became healthy",
            },
            KeepalivedNotice.Stop => new VirtualAddressReleased
            {
                Host = options.Host, Address = group.Cidr, At = notice.At, State = notice.State, Priority = notice.Priority,
                Reason = "keepalived stopped on this host (agent stopping, or the host left the group)",
            },
            KeepalivedNotice.Fault when handBacks.TryGetValue(notice.Instance, out var handBack) && notice.At >= handBack.From && notice.At <= handBack.Until => new VirtualAddressReleased
            {
                Host = options.Host, Address = group.Cidr, At = notice.At, State = notice.State, Priority = notice.Priority,
                Reason = $"handed back to {handBack.Peer}, a host of higher preference that is healthy again (after the requests under way here finished)",
            },
            _ => new VirtualAddressFaulted
            {
                Host = options.Host, Address = group.Cidr, At = notice.At, State = notice.State, Priority = notice.Priority,
                Reason = IsInterfaceDown(group.Interface)
                    ? $"interface {group.Interface} is down"
                    : $"this host's HAProxy does not answer its health check ({options.AdminSocketPath}), or {group.Interface} lost its carrier",
            },
        };
    }

    private static bool IsInterfaceDown(string name)
    {
        try
        {
            return File.ReadAllText($"/sys/class/net/{name}/operstate").Trim() is "down" or "lowerlayerdown";
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    private async Task<string?> ReadAdoptedTextAsync() =>
        File.Exists(Paths.ConfigPath) ? await File.ReadAllTextAsync(Paths.ConfigPath).ConfigureAwait(false) : null;

    /// <summary>HAProxy may bind a virtual address this host does not hold (a listener on it survives the move).</summary>
    private void AllowNonlocalBind()
    {
        foreach (var setting in new[] { "/proc/sys/net/ipv4/ip_nonlocal_bind", "/proc/sys/net/ipv6/ip_nonlocal_bind" })
        {
            try
            {
                if (File.Exists(setting) && File.ReadAllText(setting).Trim() != "1")
                {
                    File.WriteAllText(setting, "1");
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                AgentLog.NonlocalBindRefused(logger, options.Host, setting, ex.Message);
            }
        }
    }

    private static async Task WriteScriptAsync(string path, string text, CancellationToken cancellationToken)
    {
        // keepalived's script security refuses scripts others may write: owner-only write, everyone may run.
        await AtomicFile.WriteAsync(path, text, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }
}
