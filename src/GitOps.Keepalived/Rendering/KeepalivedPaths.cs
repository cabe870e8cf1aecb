using GitOps.Core.Validation;

namespace GitOps.Keepalived.Rendering;

/// <summary>
/// Where one agent's keepalived keeps its files: configuration, scripts, the notify log and its three pid files, all
/// in one directory of the agent's own (never keepalived's defaults under <c>/run</c>, so several hosts' agents can
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

    /// <summary>The hook keepalived runs on every state change; it appends a line to <see cref="NotifyLogPath"/>.</summary>
    public string NotifyScriptPath => Path.Combine(Directory, "notify.sh");

    /// <summary>State changes appended by the notify hook, one line each, which the agent records as events.</summary>
    public string NotifyLogPath => Path.Combine(Directory, "notify.log");

    /// <summary>
    /// The file keepalived tracks for VRRP instance <paramref name="instance"/> (weight 0): 1 puts the instance in FAULT,
    /// which gives its address away (the agent's hand-back to a preferred host), 0 lets it take part again.
    /// </summary>
    public string YieldFilePath(string instance) => Path.Combine(Directory, "yield-" + instance);

    /// <summary>How far the agent has recorded <see cref="NotifyLogPath"/> (a byte offset), so a restarted agent records nothing twice.</summary>
    public string NotifyOffsetPath => Path.Combine(Directory, "notify.offset");
}
