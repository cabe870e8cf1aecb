using System.Globalization;
using System.Net;
using GitOps.Core.Collections;
using GitOps.Core.Logging;
using GitOps.Core.Text;
using GitOps.HAProxy.Runtime;
using GitOps.HAProxy.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.HAProxy.Apply;

/// <summary>
/// Brings one host's HAProxy to a rendered configuration by the cheapest safe path (DESIGN §6):
/// runtime API commands when only servers of backends changed, otherwise <c>haproxy -c</c>, an
/// atomic rewrite of the config file and a master CLI reload, restoring the last good file when
/// the reload fails. The last applied text is kept next to the config file
/// (<c>&lt;config&gt;.applied</c>), so a restarted agent knows what runs and converges from the file
/// on disk and the running HAProxy. Calls are serialised; it is safe to call from several tasks.
/// </summary>
[LogEventArea(LogEventIds.ConfigApplier)]
public sealed partial class ConfigApplier
{
    private const string VersionHeader = "# gitops-applied-version: ";
    private const string NoVersion = "-";

    private readonly HAProxySupervisor _supervisor;
    private readonly ConfigApplierOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HAProxyRuntimeApi _api;
    private readonly HAProxyConfigChecker _checker;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _appliedText;
    private string? _appliedVersion;

    public ConfigApplier(HAProxySupervisor supervisor, ConfigApplierOptions options, TimeProvider? timeProvider = null, ILogger<ConfigApplier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        ArgumentNullException.ThrowIfNull(options);
        _supervisor = supervisor;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _api = new HAProxyRuntimeApi(options.AdminSocketPath, new HAProxySocketClient(options.CommandTimeout));
        _checker = new HAProxyConfigChecker(supervisor.Options.HAProxyProgram);
    }

    /// <summary>The file HAProxy runs from.</summary>
    public string ConfigPath => _supervisor.Options.ConfigPath;

    /// <summary>Where the last applied text and its version are kept.</summary>
    public string AppliedCopyPath => ConfigPath + ".applied";

    /// <summary>The configuration text that runs now; null before <see cref="StartAsync"/>.</summary>
    public string? AppliedText => Volatile.Read(ref _appliedText);

    /// <summary>The version label of <see cref="AppliedText"/>, as given to the apply that brought it.</summary>
    public string? AppliedVersion => Volatile.Read(ref _appliedVersion);

    /// <summary>
    /// Gets HAProxy serving and converged: restores the last applied text if the file on disk differs
    /// from it (a hand edit, or an apply cut short by a crash), starts or adopts HAProxy through the
    /// supervisor (reloading an adopted one whose file had to be restored), corrects runtime drift,
    /// then applies <paramref name="desiredText"/> when given and different.
    /// </summary>
    /// <param name="desiredText">The latest rendered configuration, or null to keep what was applied. Needed on a host's first start.</param>
    /// <param name="desiredVersion">Its version label.</param>
    /// <param name="cancellationToken">Stops waiting; a half-done step is repaired by the next start.</param>
    /// <exception cref="InvalidOperationException">Nothing was ever applied and no text was given, or the first text fails <c>haproxy -c</c>.</exception>
    public async Task<ApplierStartResult> StartAsync(string? desiredText, string? desiredVersion, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            Directory.CreateDirectory(_supervisor.Options.RuntimeDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ConfigPath))!);
            var (copy, copyVersion) = await ReadAppliedCopyAsync(cancellationToken).ConfigureAwait(false);
            var disk = await AtomicFile.TryReadAsync(ConfigPath, cancellationToken).ConfigureAwait(false);
            var descriptions = new List<string>();
            var restored = false;
            if (copy is not null)
            {
                if (!string.Equals(disk, copy, StringComparison.Ordinal))
                {
                    descriptions.Add(DescribeFileDrift(disk, copy));
                    await AtomicFile.WriteAsync(ConfigPath, copy, cancellationToken).ConfigureAwait(false);
                    restored = true;
                }

                Commit(copy, copyVersion);
            }
            else if (disk is not null)
            {
                // A host configured before this agent kept a copy: what is on disk is what runs.
                Commit(disk, null);
                await WriteAppliedCopyAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (desiredText is not null)
            {
                await WriteCheckedAsync(desiredText, cancellationToken).ConfigureAwait(false);
                Commit(desiredText, desiredVersion);
                await WriteAppliedCopyAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new InvalidOperationException(
                    $"No configuration has been applied on this host ('{ConfigPath}' does not exist): give the first rendered configuration.");
            }

            await _supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
            ApplyResult? restoreReload = null;
            if (restored && _supervisor.Adopted)
            {
                // The adopted master may run the file that was on disk: reload the restored one to know what runs.
                restoreReload = await ReloadCoreAsync(_appliedText!, _appliedVersion, [], started, "the restored file must be the one running", false, cancellationToken).ConfigureAwait(false);
            }

            var drift = await CorrectDriftCoreAsync(cancellationToken).ConfigureAwait(false);
            var recovery = descriptions.Count == 0
                ? drift
                : new DriftCorrection(
                    new DriftReport(descriptions.Concat(drift.Drift.Descriptions).ToValueList(), true),
                    drift.Correction ?? restoreReload ?? Result(ApplyMethod.None, started, ["restored " + ConfigPath], null, _appliedVersion));
            ApplyResult? apply = null;
            if (desiredText is not null && !string.Equals(desiredText, _appliedText, StringComparison.Ordinal))
            {
                apply = await ApplyCoreAsync(desiredText, desiredVersion, cancellationToken).ConfigureAwait(false);
            }

            return new ApplierStartResult(_supervisor.Adopted, recovery, apply);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc cref="ApplyAsync(string, string?, CancellationToken)"/>
    public Task<ApplyResult> ApplyAsync(string newText, CancellationToken cancellationToken) => ApplyAsync(newText, null, cancellationToken);

    /// <summary>
    /// Applies <paramref name="newText"/> (a rendered configuration). Never throws for a configuration
    /// HAProxy refuses: the result then carries the error and the kept version, and the last good
    /// configuration keeps serving.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="StartAsync"/> was not called.</exception>
    public async Task<ApplyResult> ApplyAsync(string newText, string? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newText);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ApplyCoreAsync(newText, version, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Compares the file on disk and the servers' runtime state with the applied configuration.</summary>
    public async Task<DriftReport> DetectDriftAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DetectDriftCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Detects drift and puts it right: runtime commands for servers whose address, weight or state
    /// was changed by hand; a rewrite of the file and a reload when the file was edited or servers
    /// were added or deleted by hand. Meant to run at start and periodically.
    /// </summary>
    public async Task<DriftCorrection> CorrectDriftAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CorrectDriftCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ApplyResult> ApplyCoreAsync(string newText, string? version, CancellationToken cancellationToken)
    {
        var applied = _appliedText ?? throw new InvalidOperationException("The applier is not started; call StartAsync first.");
        var started = _time.GetTimestamp();
        var plan = ApplyPlanner.Plan(applied, newText);
        if (plan.Method == ApplyMethod.None)
        {
            if (version is not null && version != _appliedVersion)
            {
                Commit(newText, version);
                await WriteAppliedCopyAsync(cancellationToken).ConfigureAwait(false);
            }

            return Result(ApplyMethod.None, started, [], null, _appliedVersion);
        }

        var operations = new List<string>();
        string reason;
        var runtimeTouched = false;
        if (plan.Method == ApplyMethod.Runtime)
        {
            try
            {
                runtimeTouched = plan.Operations.Count > 0;
                await RunOperationsAsync(plan.Operations, operations, cancellationToken).ConfigureAwait(false);

                // So that a later reload or restart keeps what the runtime API just did.
                await AtomicFile.WriteAsync(ConfigPath, newText, cancellationToken).ConfigureAwait(false);
                operations.Add("write " + ConfigPath);
                Commit(newText, version);
                await WriteAppliedCopyAsync(cancellationToken).ConfigureAwait(false);
                var result = Result(ApplyMethod.Runtime, started, operations, null, version);
                LogApplied(_logger, version ?? NoVersion, result.Method, result.Duration.TotalMilliseconds, operations.Count);
                return result;
            }
            catch (Exception ex) when (ex is RuntimeCommandException or HAProxySocketException or TimeoutException or FormatException)
            {
                LogRuntimeFailed(_logger, version ?? NoVersion, ex);
                reason = $"the runtime API failed ({ex.Message})";
            }
        }
        else
        {
            reason = plan.ReloadReason!;
        }

        return await ReloadCoreAsync(newText, version, operations, started, reason, runtimeTouched, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// haproxy -c on the new text in place of the file, rename it over the file, master reload,
    /// confirm. On failure the last good file is restored and the old worker checked.
    /// </summary>
    private async Task<ApplyResult> ReloadCoreAsync(
        string newText,
        string? version,
        List<string> operations,
        long started,
        string reason,
        bool runtimeTouched,
        CancellationToken cancellationToken)
    {
        operations.Add("reload because " + reason);
        var temporary = await AtomicFile.WriteTemporaryAsync(ConfigPath, newText, cancellationToken).ConfigureAwait(false);
        var check = await _checker.CheckFileAsync(temporary, ConfigPath, _supervisor.Options.RuntimeDirectory, cancellationToken).ConfigureAwait(false);
        if (!check.IsValid)
        {
            File.Delete(temporary);
            var error = "haproxy -c rejected the configuration: " + (check.Alerts.Count > 0 ? string.Join("\n", check.Alerts) : check.Output.Trim());
            return await FailAsync(error, repair: runtimeTouched).ConfigureAwait(false);
        }

        operations.Add("haproxy -c: valid");
        AtomicFile.Commit(temporary, ConfigPath);
        operations.Add("write " + ConfigPath);
        HAProxyReloadResult reload;
        try
        {
            reload = await _supervisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or HAProxySocketException)
        {
            return await FailAsync("the reload did not complete: " + ex.Message, repair: true).ConfigureAwait(false);
        }

        if (!reload.Succeeded)
        {
            var why = reload.Reason.Length > 0 ? reload.Reason : "the master reported the reload failed (see HAProxy's log)";
            return await FailAsync("HAProxy's reload failed: " + why, repair: runtimeTouched).ConfigureAwait(false);
        }

        var worker = reload.After.Workers.Select(w => w.Pid.ToString(CultureInfo.InvariantCulture));
        operations.Add($"reload #{reload.After.Master.Reloads}: worker {string.Join(",", worker)} serving");
        Commit(newText, version);
        await WriteAppliedCopyAsync(cancellationToken).ConfigureAwait(false);
        var result = Result(ApplyMethod.Reload, started, operations, null, version);
        LogApplied(_logger, version ?? NoVersion, result.Method, result.Duration.TotalMilliseconds, operations.Count);
        return result;

        async Task<ApplyResult> FailAsync(string error, bool repair)
        {
            await AtomicFile.WriteAsync(ConfigPath, _appliedText!, cancellationToken).ConfigureAwait(false);
            operations.Add("restored the last good " + ConfigPath);
            try
            {
                var processes = await _supervisor.ShowProcAsync(cancellationToken).ConfigureAwait(false);
                operations.Add(await _supervisor.WorkersAnswerAsync(processes, cancellationToken).ConfigureAwait(false)
                    ? $"the previous worker {string.Join(",", processes.Workers.Select(w => w.Pid))} keeps serving"
                    : "no worker answers: the supervisor restarts HAProxy on the last good file");
                if (repair)
                {
                    // Runtime commands of a plan that could not finish changed the live servers: put them back.
                    var drift = await DetectDriftCoreAsync(cancellationToken).ConfigureAwait(false);
                    if (drift.HasDrift && !drift.FileDrifted && !drift.NeedsReload)
                    {
                        await RunOperationsAsync(drift.RuntimeFixes, operations, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is HAProxySocketException or TimeoutException or FormatException or RuntimeCommandException or InvalidOperationException)
            {
                operations.Add("could not check the running HAProxy: " + ex.Message);
            }

            var result = Result(ApplyMethod.Reload, started, operations, error, _appliedVersion);
            LogApplyFailed(_logger, version ?? NoVersion, _appliedVersion ?? NoVersion, error);
            return result;
        }
    }

    private async Task RunOperationsAsync(IReadOnlyList<RuntimeOperation> plan, List<string> operations, CancellationToken cancellationToken)
    {
        foreach (var operation in plan)
        {
            switch (operation)
            {
                case AddServerOperation add:
                    await SendAsync(add.AddCommand, answer => answer == "New server registered.").ConfigureAwait(false);
                    if (add.Line.HasArgument("check"))
                    {
                        await SendAsync($"enable health {add.Target}", answer => answer.Length == 0).ConfigureAwait(false);
                    }

                    if (add.Line.HasArgument("agent-check"))
                    {
                        await SendAsync($"enable agent {add.Target}", answer => answer.Length == 0).ConfigureAwait(false);
                    }

                    if (!add.Line.HasArgument("disabled"))
                    {
                        await SendAsync($"enable server {add.Target}", answer => answer.Length == 0).ConfigureAwait(false);
                    }

                    break;
                case SetServerAddressOperation address:
                    await SendAsync(
                        address.Command,
                        answer => answer.Contains("changed from", StringComparison.Ordinal) || answer.StartsWith("no need to change", StringComparison.Ordinal))
                        .ConfigureAwait(false);
                    break;
                case SetServerWeightOperation weight:
                    await SendAsync(weight.Command, answer => answer.Length == 0).ConfigureAwait(false);
                    break;
                case SetServerReadyOperation ready:
                    await SendAsync(ready.Command, answer => answer.Length == 0).ConfigureAwait(false);
                    break;
                case RemoveServerOperation:
                    break;
                default:
                    throw new InvalidOperationException($"Unknown runtime operation {operation}.");
            }
        }

        // Removals drain side by side, so several take one drain timeout at most, not one each.
        var removals = plan.OfType<RemoveServerOperation>().Select(r => DrainAndDeleteAsync(r, cancellationToken)).ToList();
        if (removals.Count > 0)
        {
            foreach (var log in await Task.WhenAll(removals).ConfigureAwait(false))
            {
                operations.AddRange(log);
            }
        }

        async Task SendAsync(string command, Func<string, bool> succeeded)
        {
            await _api.ExecuteAsync(command, succeeded, cancellationToken).ConfigureAwait(false);
            operations.Add(command);
        }
    }

    private async Task<List<string>> DrainAndDeleteAsync(RemoveServerOperation remove, CancellationToken cancellationToken)
    {
        var log = new List<string>();
        var target = remove.Target;
        await _api.ExecuteSilentAsync($"set server {target} state drain", cancellationToken).ConfigureAwait(false);
        log.Add($"set server {target} state drain");
        var started = _time.GetTimestamp();
        int sessions;
        while ((sessions = await _api.ActiveSessionsAsync(remove.Backend, remove.Server, cancellationToken).ConfigureAwait(false)
                   ?? throw new RuntimeCommandException($"show stat ({target})", $"server {target} does not exist")) > 0
               && _time.GetElapsedTime(started) < _options.DrainTimeout)
        {
            await Task.Delay(_options.DrainPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        var waited = _time.GetElapsedTime(started);
        log.Add(sessions == 0
            ? $"{target} drained after {waited.TotalMilliseconds:0} ms"
            : $"{target} still had {sessions} session(s) after the drain timeout of {_options.DrainTimeout.TotalSeconds:0.#} s");
        await _api.ExecuteSilentAsync($"set server {target} state maint", cancellationToken).ConfigureAwait(false);
        log.Add($"set server {target} state maint");
        if (sessions > 0)
        {
            await _api.ExecuteSilentAsync($"shutdown sessions server {target}", cancellationToken).ConfigureAwait(false);
            log.Add($"shutdown sessions server {target}");
        }

        // Shut-down sessions take a moment to release the server; "del server" refuses until then.
        var deleteStarted = _time.GetTimestamp();
        while (true)
        {
            var answer = (await _api.SendAsync($"del server {target}", cancellationToken).ConfigureAwait(false)).Trim();
            if (answer == "Server deleted.")
            {
                log.Add($"del server {target}");
                return log;
            }

            if (!answer.Contains("still has connections", StringComparison.Ordinal) || _time.GetElapsedTime(deleteStarted) > TimeSpan.FromSeconds(5))
            {
                throw new RuntimeCommandException($"del server {target}", answer);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DriftReport> DetectDriftCoreAsync(CancellationToken cancellationToken)
    {
        var applied = _appliedText ?? throw new InvalidOperationException("The applier is not started; call StartAsync first.");
        var descriptions = new List<string>();
        var fixes = new List<RuntimeOperation>();
        var needsReload = false;
        var disk = await AtomicFile.TryReadAsync(ConfigPath, cancellationToken).ConfigureAwait(false);
        var fileDrifted = !string.Equals(disk, applied, StringComparison.Ordinal);
        if (fileDrifted)
        {
            descriptions.Add(DescribeFileDrift(disk, applied));
        }

        var states = (await _api.ShowServersStateAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(s => s.Backend, StringComparer.Ordinal);
        foreach (var proxy in HAProxyConfigDocument.Parse(applied).ProxiesWithServers)
        {
            var live = states[proxy.Name].ToDictionary(s => s.Name, StringComparer.Ordinal);
            var configured = proxy.Servers.ToList();
            foreach (var server in configured)
            {
                var target = $"{proxy.Name}/{server.Name}";
                if (!live.TryGetValue(server.Name, out var state))
                {
                    descriptions.Add($"server {target} is in the applied configuration but not running (deleted by hand?)");
                    needsReload = true;
                    continue;
                }

                if (server.HasIpAddress && server.Port is { } port && (!SameAddress(state.Address, server.Address!) || state.Port != port))
                {
                    descriptions.Add($"server {target} runs at {state.Address}:{state.Port}, the applied configuration says {server.Endpoint}");
                    fixes.Add(new SetServerAddressOperation(proxy.Name, server.Name, server.Address!, port));
                }
                else if (!server.HasIpAddress && server.Port is { } namedPort && state.Port != namedPort)
                {
                    descriptions.Add($"server {target} runs on port {state.Port}, the applied configuration says {server.Endpoint}");
                    needsReload = true;
                }

                if (state.UserWeight != server.Weight)
                {
                    descriptions.Add($"server {target} has weight {state.UserWeight}, the applied configuration says {server.Weight}");
                    fixes.Add(new SetServerWeightOperation(proxy.Name, server.Name, server.Weight));
                }

                if (state.IsForcedDown && !server.HasArgument("disabled"))
                {
                    var how = (state.AdminState & ServerRuntimeState.ForcedMaintenance) != 0 ? "maintenance" : "drain";
                    descriptions.Add($"server {target} was put in {how} through the runtime API");
                    fixes.Add(new SetServerReadyOperation(proxy.Name, server.Name));
                }
            }

            foreach (var extra in live.Keys.Except(configured.Select(s => s.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                descriptions.Add($"server {proxy.Name}/{extra} runs but is not in the applied configuration (added by hand?)");
                needsReload = true;
            }
        }

        return new DriftReport(descriptions.ToValueList(), fileDrifted) { RuntimeFixes = fixes.ToValueList(), NeedsReload = needsReload };
    }

    private async Task<DriftCorrection> CorrectDriftCoreAsync(CancellationToken cancellationToken)
    {
        var drift = await DetectDriftCoreAsync(cancellationToken).ConfigureAwait(false);
        if (!drift.HasDrift)
        {
            return new DriftCorrection(drift, null);
        }

        LogDrift(_logger, string.Join("; ", drift.Descriptions));
        var started = _time.GetTimestamp();
        var operations = new List<string>();
        if (!drift.FileDrifted && !drift.NeedsReload)
        {
            try
            {
                await RunOperationsAsync(drift.RuntimeFixes, operations, cancellationToken).ConfigureAwait(false);
                return new DriftCorrection(drift, Result(ApplyMethod.Runtime, started, operations, null, _appliedVersion));
            }
            catch (Exception ex) when (ex is RuntimeCommandException or HAProxySocketException or TimeoutException or FormatException)
            {
                operations.Add($"runtime fix failed ({ex.Message})");
            }
        }

        var reason = drift.FileDrifted ? "the config file was changed outside the agent" : "servers were added or deleted outside the agent";
        var correction = await ReloadCoreAsync(_appliedText!, _appliedVersion, operations, started, reason, false, cancellationToken).ConfigureAwait(false);
        return new DriftCorrection(drift, correction);
    }

    private async Task WriteCheckedAsync(string text, CancellationToken cancellationToken)
    {
        var temporary = await AtomicFile.WriteTemporaryAsync(ConfigPath, text, cancellationToken).ConfigureAwait(false);
        var check = await _checker.CheckFileAsync(temporary, ConfigPath, _supervisor.Options.RuntimeDirectory, cancellationToken).ConfigureAwait(false);
        if (!check.IsValid)
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"haproxy -c rejected the first configuration of this host:\n{check.Output.Trim()}");
        }

        AtomicFile.Commit(temporary, ConfigPath);
    }

    private void Commit(string text, string? version)
    {
        Volatile.Write(ref _appliedText, text);
        Volatile.Write(ref _appliedVersion, version);
    }

    private async Task<(string? Text, string? Version)> ReadAppliedCopyAsync(CancellationToken cancellationToken)
    {
        var copy = await AtomicFile.TryReadAsync(AppliedCopyPath, cancellationToken).ConfigureAwait(false);
        if (copy is null || !copy.StartsWith(VersionHeader, StringComparison.Ordinal))
        {
            return (null, null);
        }

        var lineEnd = copy.IndexOf('\n', StringComparison.Ordinal);
        if (lineEnd < 0)
        {
            return (null, null);
        }

        var version = copy[VersionHeader.Length..lineEnd];
        return (copy[(lineEnd + 1)..], version == NoVersion ? null : version);
    }

    private Task WriteAppliedCopyAsync(CancellationToken cancellationToken)
    {
        var version = _appliedVersion is { } v && v.Length > 0 && !v.Contains('\n', StringComparison.Ordinal) ? v : NoVersion;
        return AtomicFile.WriteAsync(AppliedCopyPath, VersionHeader + version + "\n" + _appliedText, cancellationToken);
    }

    private ApplyResult Result(ApplyMethod method, long started, List<string> operations, string? error, string? version) =>
        new(method, _time.GetElapsedTime(started), operations.ToValueList(), error, version, ContentHash.Sha256Hex(_appliedText!));

    private string DescribeFileDrift(string? disk, string applied)
    {
        if (disk is null)
        {
            return $"'{ConfigPath}' is missing";
        }

        var diskLines = disk.Split('\n');
        var appliedLines = applied.Split('\n');
        var line = 0;
        while (line < Math.Min(diskLines.Length, appliedLines.Length) && diskLines[line] == appliedLines[line])
        {
            line++;
        }

        static string At(string[] lines, int index) => index < lines.Length ? $"'{lines[index].Trim()}'" : "end of file";
        return $"'{ConfigPath}' differs from the applied configuration (edited by hand, or an apply was cut short): "
            + $"line {line + 1} is {At(diskLines, line)}, applied {At(appliedLines, line)}";
    }

    private static bool SameAddress(string live, string configured) =>
        IPAddress.TryParse(live, out var a) && IPAddress.TryParse(configured, out var b) ? a.Equals(b) : live == configured;

    [LoggerMessage(EventId = LogEventIds.ConfigApplier + 1, Level = LogLevel.Information, Message = "Applied configuration {Version} by {Method} in {Milliseconds:0.#} ms ({Operations} operations)")]
    private static partial void LogApplied(ILogger logger, string version, ApplyMethod method, double milliseconds, int operations);

    [LoggerMessage(EventId = LogEventIds.ConfigApplier + 2, Level = LogLevel.Warning, Message = "Runtime API apply of {Version} failed; reloading instead")]
    private static partial void LogRuntimeFailed(ILogger logger, string version, Exception exception);

    [LoggerMessage(EventId = LogEventIds.ConfigApplier + 3, Level = LogLevel.Error, Message = "Applying configuration {Version} failed; {KeptVersion} keeps serving: {Error}")]
    private static partial void LogApplyFailed(ILogger logger, string version, string keptVersion, string error);

    [LoggerMessage(EventId = LogEventIds.ConfigApplier + 4, Level = LogLevel.Warning, Message = "Drift from the applied configuration: {Drift}")]
    private static partial void LogDrift(ILogger logger, string drift);
}
