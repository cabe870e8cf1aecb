using GitOps.Core.Validation;

namespace GitOps.Keepalived.Rendering;

/// <summary>
/// Where one agent's keepalived keeps its files: configuration, scripts, the notify FIFO, the notify log and its three pid
/// files, all in one directory of the agent's own (never keepalived's defaults under <c>/run</c>, so several hosts' agents can
/// share a machine). Every path is checked to be a plain absolute path, since the rendered configuration and the
/// scripts quote them.
/// </summary>
public sealed record KeepalivedPaths
{
    public KeepalivedPaths(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var trimmed = directory.Length > 1 ? directory.TrimEnd('/') : directory;
        if (!ConfigToken.IsAbsoluteFilePath(trimmed))
        {
            throw new ArgumentException($"keepalived's directory '{ConfigToken.Printable(directory)}' must be an absolute path of letters, digits and ._+@=,- (it is written into keepalived's configuration); choose another --runtime-dir.", nameof(directory));
        }

        Directory = trimmed;
    }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "keepalived.conf");

    /// <summary>The parent process's pid file (<c>-p</c>): the process reloaded by SIGHUP and stopped by SIGTERM.</summary>
    public string PidFilePath => Path.Combine(Directory, "keepalived.pid");

    /// <summary>The VRRP child's pid file (<c>-r</c>).</summary>
    public string VrrpPidFilePath => Path.Combine(Directory, "vrrp.pid");

    /// <summary>The checker child's pid file (<c>-c</c>); unused with <c>-P</c> (VRRP only) but kept apart from other instances.</summary>
    public string CheckerPidFilePath => Path.Combine(Directory, "checkers.pid");

    /// <summary>The health check keepalived runs every second: passes while this host's HAProxy answers its admin socket.</summary>
    public string CheckScriptPath => Path.Combine(Directory, "check-haproxy.sh");

    /// <summary>
    /// The FIFO keepalived writes every state change to, in the order they happen (<c>vrrp_notify_fifo</c>); keepalived
    /// creates it when it starts and removes it when it stops.
    /// </summary>
    public string NotifyFifoPath => Path.Combine(Directory, "notify.fifo");

    /// <summary>
    /// The one reader of <see cref="NotifyFifoPath"/>, which keepalived runs for as long as it runs
    /// (<c>vrrp_notify_fifo_script</c>); it appends each line to <see cref="NotifyLogPath"/>.
    /// </summary>
    public string NotifyFifoScriptPath => Path.Combine(Directory, "notify-fifo.sh");

    /// <summary>Held by the running <see cref="NotifyFifoScriptPath"/>, so that after a reload or restart the next one waits for the last.</summary>
    public string NotifyLockPath => Path.Combine(Directory, "notify.lock");

    /// <summary>State changes appended by <see cref="NotifyFifoScriptPath"/>, one line each, which the agent records as events.</summary>
    public string NotifyLogPath => Path.Combine(Directory, "notify.log");

    /// <summary>
    /// The file keepalived tracks for VRRP instance <paramref name="instance"/> (weight 0): 1 puts the instance in FAULT,
    /// which gives its address away (the agent's hand-back to a preferred host), 0 lets it take part again.
    /// </summary>
    public string YieldFilePath(string instance) => Path.Combine(Directory, "yield-" + instance);

    /// <summary>How far the agent has recorded <see cref="NotifyLogPath"/> (a byte offset), so a restarted agent records nothing twice.</summary>
    public string NotifyOffsetPath => Path.Combine(Directory, "notify.offset");
}
