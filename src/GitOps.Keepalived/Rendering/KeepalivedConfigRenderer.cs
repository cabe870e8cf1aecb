using System.Globalization;
using System.Text;
using GitOps.Core.Desired;
using GitOps.Core.Validation;

namespace GitOps.Keepalived.Rendering;

/// <summary>
/// Renders the keepalived configuration of one host from the virtual-address groups it belongs to: one VRRP instance
/// per group, version 3, unicast from the host's own address to the other hosts' addresses, adverts every 200 ms
/// (a dead host is noticed in about 0.6 s), priorities by order of preference, and a health check of this host's
/// own HAProxy that starts failed, so a host takes (or takes back) an address only once its HAProxy serves. Pure and
/// deterministic: the same model gives the same text.
/// Every value from Git is checked again here (host names, IP literals, interface names); anything else throws, so
/// no YAML value can start a line, a block or an argument of keepalived's configuration.
/// </summary>
public static class KeepalivedConfigRenderer
{
    /// <summary>The name of the health check every instance tracks.</summary>
    public const string CheckName = "gitops_haproxy";

    /// <summary>The highest priority a VRRP router that does not own the address may have; the first host gets it.</summary>
    public const int TopPriority = 254;

    /// <summary>Seconds between adverts; fractions need VRRP version 3. Three missed adverts make a backup take over.</summary>
    public const string AdvertInterval = "0.2";

    /// <summary>The VRRP instance name of a group: <c>gitops_&lt;router id&gt;</c>, which the notify FIFO reports back.</summary>
    public static string InstanceName(VirtualAddressModel group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return "gitops_" + group.RouterId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The priority of <paramref name="host"/> in <paramref name="group"/>: 254 for the first, one less for each next.</summary>
    public static int PriorityOf(VirtualAddressModel group, string host)
    {
        ArgumentNullException.ThrowIfNull(group);
        var index = group.Hosts.ToList().IndexOf(host);
        return index < 0 ? throw new ArgumentException($"host '{host}' is not in the group of {group.Cidr}.", nameof(host)) : TopPriority - index;
    }

    /// <summary>
    /// The configuration of <paramref name="host"/>, or null when it belongs to no group (then keepalived does not run).
    /// </summary>
    /// <exception cref="ArgumentException">A value fails the strict checks (validation should have refused it).</exception>
    public static string? Render(DesiredState desired, string host, KeepalivedPaths paths)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(paths);
        var groups = desired.VirtualAddressesOf(host).ToList();
        if (groups.Count == 0)
        {
            return null;
        }

        var addresses = desired.Settings.Hosts.ToDictionary(h => h.Name, h => h.Address, StringComparer.Ordinal);
        var text = new StringBuilder();
        text.Append("# keepalived configuration of host ").Append(Name(host)).Append(", written by its gitops agent from gitops.yaml (virtualAddresses).\n");
        text.Append("# Rewritten whenever the groups change in Git; edits are lost.\n");
        text.Append("global_defs {\n");
        text.Append("    router_id ").Append(Name(host)).Append('\n');
        text.Append("    enable_script_security\n");
        text.Append("    script_user root\n");
        text.Append("    vrrp_version 3\n");
        text.Append("    vrrp_garp_master_delay 1\n");
        text.Append("    vrrp_garp_master_repeat 3\n");
        // One FIFO and one reader for every state change, so they are recorded in the order they happen.
        text.Append("    vrrp_notify_fifo \"").Append(paths.NotifyFifoPath).Append("\"\n");
        text.Append("    vrrp_notify_fifo_script \"").Append(paths.NotifyFifoScriptPath).Append("\"\n");
        text.Append("}\n\n");
        text.Append("vrrp_script ").Append(CheckName).Append(" {\n");
        text.Append("    script \"").Append(paths.CheckScriptPath).Append("\"\n");
        text.Append("    interval 1\n");
        text.Append("    timeout 1\n");
        text.Append("    fall 1\n");
        text.Append("    rise 2\n");
        // Failed until it passes: a starting or recovering host never claims an address before its HAProxy serves.
        text.Append("    init_fail\n");
        text.Append("}\n");
        foreach (var group in groups)
        {
            // The agent's hand-back: 1 in this file puts the instance in FAULT (weight 0), giving the address away.
            text.Append('\n');
            text.Append("track_file ").Append(InstanceName(group)).Append("_yield {\n");
            text.Append("    file \"").Append(paths.YieldFilePath(InstanceName(group))).Append("\"\n");
            text.Append("    weight 0\n");
            text.Append("    init_file 0 overwrite\n");
            text.Append("}\n");
        }

        foreach (var group in groups)
        {
            var own = Address(addresses.GetValueOrDefault(host), host);
            text.Append('\n');
            text.Append("vrrp_instance ").Append(InstanceName(group)).Append(" {\n");
            text.Append("    state BACKUP\n");
            // A recovered host of higher preference never takes the address by itself: that would cut the requests under
            // way at the holder. The holder's agent hands it back once they are done (see the agent's hand-back).
            text.Append("    nopreempt\n");
            text.Append("    interface ").Append(Interface(group.Interface)).Append('\n');
            text.Append("    virtual_router_id ").Append(group.RouterId.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append("    priority ").Append(PriorityOf(group, host).ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append("    advert_int ").Append(AdvertInterval).Append('\n');
            text.Append("    unicast_src_ip ").Append(own).Append('\n');
            text.Append("    unicast_peer {\n");
            foreach (var peer in group.Hosts.Where(h => h != host))
            {
                text.Append("        ").Append(Address(addresses.GetValueOrDefault(peer), peer)).Append('\n');
            }

            text.Append("    }\n");
            text.Append("    virtual_ipaddress {\n");
            text.Append("        ").Append(Address(group.Address, group.Cidr)).Append('/').Append(group.PrefixLength.ToString(CultureInfo.InvariantCulture))
                .Append(" dev ").Append(Interface(group.Interface)).Append('\n');
            text.Append("    }\n");
            text.Append("    track_script {\n");
            text.Append("        ").Append(CheckName).Append('\n');
            text.Append("    }\n");
            text.Append("    track_file {\n");
            text.Append("        ").Append(InstanceName(group)).Append("_yield\n");
            text.Append("    }\n");
            text.Append("}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The health check: passes while this host's own HAProxy answers <c>show info</c> on its admin socket. A socket
    /// path belongs to one host, unlike process names and pids, which every host sharing the pid namespace (network
    /// namespaces on one machine) sees, and a zombie that still passes <c>kill -0</c>.
    /// </summary>
    public static string RenderCheckScript(string host, string adminSocketPath, string socatProgram) =>
        $"""
        #!/bin/sh
        # Health check of host {Name(host)}'s HAProxy, written by its gitops agent; keepalived runs it every second.
        # Passes while this host's own HAProxy answers on its admin socket.
        reply=$(echo 'show info' | '{FilePath(socatProgram)}' -T 1 - 'UNIX-CONNECT:{FilePath(adminSocketPath)}' 2>/dev/null) || exit 1
        case "$reply" in
          *"Name: HAProxy"*) exit 0 ;;
        esac
        exit 1

        """;

    /// <summary>
    /// The reader of keepalived's notify FIFO. keepalived runs it with the FIFO as its argument for as long as it runs and
    /// writes <c>INSTANCE "&lt;name&gt;" &lt;state&gt; &lt;priority&gt;</c> to the FIFO on every state change, in the order they
    /// happen; the reader appends <c>&lt;unix ms&gt; &lt;name&gt; &lt;state&gt; &lt;priority&gt;</c> to the notify log. (A
    /// <c>notify</c> script is forked once per change, so two changes close together could be logged the wrong way round.)
    /// A file, not a socket: a line written while the agent is down waits for the agent instead of being lost.
    /// keepalived sends the reader SIGTERM when it stops and only then writes the STOP lines, so the reader reads on until
    /// they have come and the FIFO has been quiet for 0.2 s. Readers follow one another through a lock on
    /// <see cref="KeepalivedPaths.NotifyLockPath"/>: after a reload (which replaces the FIFO and the reader) or a restart,
    /// the new one starts once the last has written its lines.
    /// </summary>
    public static string RenderNotifyFifoScript(string host, KeepalivedPaths paths, string flockProgram)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return $$"""
            #!/bin/bash
            # Reader of keepalived's notify FIFO for host {{Name(host)}}, written by its gitops agent, which records every line as an event.
            # keepalived runs it with the FIFO as its argument and writes one line per state change, in the order they happen:
            #   INSTANCE "<name>" <MASTER|BACKUP|FAULT|STOP> <priority>
            # Each is appended to the notify log as: <unix ms> <name> <state> <priority>. Other lines (GROUP, priority changes) are skipped.
            set -f
            log='{{FilePath(paths.NotifyLogPath)}}'
            stopping= stopped=
            # keepalived sends SIGTERM when it reloads or stops; stopping, it writes the STOP lines after it: the reader reads on.
            trap 'stopping=1' TERM
            # Open the FIFO first: a reload closes and replaces it, and lines in it are lost unless a reader has it open.
            exec 9<"${1:?keepalived passes the FIFO as the argument}"
            # One reader at a time: after a reload or a restart this one waits until the last has written its lines.
            exec 8>>'{{FilePath(paths.NotifyLockPath)}}'
            '{{FilePath(flockProgram)}}' -w 5 8 || :
            record() {
                [[ $1 == INSTANCE && $3 =~ ^(MASTER|BACKUP|FAULT|STOP)$ && $4 =~ ^[0-9]+$ ]] || return 0
                # keepalived quotes the name; EPOCHREALTIME is seconds and microseconds, the separator depending on the locale.
                local name=${2//\"/} now=${EPOCHREALTIME//[!0-9]/}
                [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || return 0
                [[ $3 != STOP ]] || stopped=1
                printf '%s %s %s %s\n' "${now:0:-3}" "$name" "$3" "$4" >> "$log"
            }
            pending=
            while :; do
                # Running: wait for a line as long as it takes. Stopping: wait for the STOP lines, then until the FIFO is
                # quiet for 0.2 s (keepalived closes it only once the reader has exited, and kills the reader 1 s after SIGTERM).
                if [[ -z $stopping ]]; then limit=(); elif [[ -z $stopped ]]; then limit=(-t 0.8); else limit=(-t 0.2); fi
                if IFS= read -r "${limit[@]}" chunk <&9; then
                    record $pending$chunk
                    pending=
                else
                    # A timeout keeps what it read of a line. The end of the FIFO (closed by a reload) or quiet ends the reader.
                    status=$?
                    pending+=$chunk
                    [[ $status -gt 128 && -n $pending ]] || break
                fi
            done

            """;
    }

    private static string Name(string host) =>
        ConfigToken.IsName(host) ? host : throw new ArgumentException($"host name '{ConfigToken.Printable(host)}' is not safe in a keepalived configuration.", nameof(host));

    private static string Interface(string name) =>
        ConfigToken.IsInterfaceName(name) ? name : throw new ArgumentException($"interface '{ConfigToken.Printable(name)}' is not safe in a keepalived configuration.", nameof(name));

    private static string Address(string? address, string what) =>
        ConfigToken.IsIpAddress(address) ? address! : throw new ArgumentException($"the address of '{ConfigToken.Printable(what)}' ('{ConfigToken.Printable(address ?? "none")}') is not an IP literal.", nameof(address));

    private static string FilePath(string path) =>
        ConfigToken.IsAbsoluteFilePath(path) ? path : throw new ArgumentException($"path '{ConfigToken.Printable(path)}' is not a plain absolute path.", nameof(path));
}
