using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GitOps.Processes;

namespace GitOps.Keepalived.Runtime;

/// <summary>
/// Empties a host of the clients of its virtual addresses before it gives them away, so a planned move cuts no request.
/// A TCP connection cannot follow an address to another host: once the peer holds it, the client's next packets reach
/// the peer, which knows no such connection and resets it. So, before the address moves:
/// <list type="number">
/// <item><see cref="CloseAsync"/> drops new connections to the addresses here (a raw-table PREROUTING rule per address,
/// commented <see cref="Tag"/>, dropping TCP SYNs). Dropped, not refused: the client sends its SYN again after a second,
/// and by then the peer holds the address and answers it.</item>
/// <item><see cref="WaitUntilIdleAsync"/> waits, bounded, until no TCP connection to the addresses is open here any more
/// (read from <c>/proc/net/tcp</c> and <c>tcp6</c>: established or half-open).</item>
/// <item>The caller moves the address, then calls <see cref="OpenAsync"/>, which removes the rules.</item>
/// </list>
/// Only rules carrying <see cref="Tag"/> are ever touched; <see cref="OpenAsync"/> with no address removes every one of
/// them (what a crashed agent may have left). Needs root or CAP_NET_ADMIN and iptables, as keepalived itself does.
/// </summary>
public sealed class VirtualAddressDrain
{
    /// <summary>The comment on every rule this class adds.</summary>
    public const string Tag = "gitops-drain";

    private static readonly ProcessOptions Options = new() { Timeout = TimeSpan.FromSeconds(20) };

    private readonly string iptablesProgram;
    private readonly string ip6tablesProgram;
    private readonly TimeProvider time;
    private readonly IReadOnlyList<string> runIn;
    private readonly string procNet;

    /// <param name="time">The clock of <see cref="WaitUntilIdleAsync"/>.</param>
    /// <param name="iptablesProgram">iptables: a name looked up on PATH (and /usr/sbin) or a path.</param>
    /// <param name="ip6tablesProgram">ip6tables, for IPv6 addresses.</param>
    /// <param name="runIn">A command line the programs run under, e.g. <c>ip netns exec &lt;name&gt;</c> (tests); none by default.</param>
    /// <param name="procNet">Where the TCP tables are read: this process's <c>/proc/net</c>, or <c>/proc/&lt;pid&gt;/net</c> of a process in another network namespace (tests).</param>
    public VirtualAddressDrain(TimeProvider time, string iptablesProgram = "iptables", string ip6tablesProgram = "ip6tables", IReadOnlyList<string>? runIn = null, string procNet = "/proc/net")
    {
        this.time = time;
        this.iptablesProgram = iptablesProgram;
        this.ip6tablesProgram = ip6tablesProgram;
        this.runIn = runIn ?? [];
        this.procNet = procNet;
    }

    /// <summary>
    /// Drops new TCP connections to <paramref name="addresses"/>. Returns null when the rules are in place, else why not
    /// (iptables missing or refused), in words for the log: the move then goes ahead undrained.
    /// </summary>
    public async Task<string?> CloseAsync(IReadOnlyCollection<IPAddress> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in addresses)
        {
            if (ProcessRunner.FindOnPath(ProgramFor(address)) is not { } program)
            {
                return $"'{ProgramFor(address)}' is not installed (install Debian's iptables package, or run deploy/setup.sh)";
            }

            var rule = Rule(address);
            if ((await RawAsync(program, ["-C", .. rule], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                continue;
            }

            var added = await RawAsync(program, ["-I", .. rule], cancellationToken).ConfigureAwait(false);
            if (!added.Succeeded)
            {
                return $"{program} refused the rule ({Trimmed(added.StandardError)})";
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until no TCP connection to <paramref name="addresses"/> is open on this host, checking every
    /// <paramref name="interval"/>, at most <paramref name="bound"/> long. Returns how many were still open at the end (0 when idle).
    /// </summary>
    public async Task<int> WaitUntilIdleAsync(IReadOnlyCollection<IPAddress> addresses, TimeSpan interval, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var deadline = time.GetUtcNow() + bound;
        while (true)
        {
            var open = OpenConnections(addresses);
            if (open == 0 || time.GetUtcNow() >= deadline)
            {
                return open;
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the drop rules of <paramref name="addresses"/>, or every rule tagged <see cref="Tag"/> when none are given.</summary>
    public async Task OpenAsync(IReadOnlyCollection<IPAddress>? addresses, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { iptablesProgram, ip6tablesProgram })
        {
            if (ProcessRunner.FindOnPath(name) is not { } program)
            {
                continue;
            }

            var listing = await RawAsync(program, ["-S", "PREROUTING"], cancellationToken).ConfigureAwait(false);
            if (!listing.Succeeded)
            {
                continue;
            }

            foreach (var line in listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // iptables -S prints a rule as it was added: "-A PREROUTING -d 10.99.0.10/32 -p tcp ... --comment gitops-drain -j DROP".
                if (!line.StartsWith("-A PREROUTING ", StringComparison.Ordinal) || !line.Contains($"--comment {Tag} ", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var destination = Array.IndexOf(fields, "-d") is var at and >= 0 && at + 1 < fields.Length ? fields[at + 1] : null;
                if (addresses is not null && !addresses.Any(a => destination == Destination(a)))
                {
                    continue;
                }

                await RawAsync(program, ["-D", .. fields[1..]], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>TCP connections on this host whose local address is one of <paramref name="addresses"/>, established or half-open.</summary>
    public int OpenConnections(IReadOnlyCollection<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        // An IPv4 client of a dual-stack listener shows in tcp6 under the IPv4-mapped address.
        var wanted = addresses
            .SelectMany(a => a.AddressFamily == AddressFamily.InterNetwork ? new[] { a, a.MapToIPv6() } : [a])
            .Select(ProcNetHex)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        foreach (var table in new[] { Path.Combine(procNet, "tcp"), Path.Combine(procNet, "tcp6") })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address   st ...": local as HEX:PORT, state 01 established, 03 SYN_RECV.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[3] is "01" or "03" && wanted.Contains(fields[1].Split(':')[0]))
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>An address as /proc/net/tcp writes it: the bytes in each 32-bit word in the host's (little-endian) order.</summary>
    private static string ProcNetHex(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var text = new System.Text.StringBuilder(bytes.Length * 2);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            for (var i = 3; i >= 0; i--)
            {
                text.Append(bytes[word + i].ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private string ProgramFor(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? ip6tablesProgram : iptablesProgram;

    private static string Destination(IPAddress address) =>
        address + (address.AddressFamily == AddressFamily.InterNetworkV6 ? "/128" : "/32");

    private static string[] Rule(IPAddress address) =>
        ["PREROUTING", "-d", Destination(address), "-p", "tcp", "-m", "tcp", "--tcp-flags", "FIN,SYN,RST,ACK", "SYN", "-m", "comment", "--comment", Tag, "-j", "DROP"];

    private Task<ProcessResult> RawAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        string[] command = [.. runIn, program, "-w", "-t", "raw", .. arguments];
        return ProcessRunner.RunAsync(command[0], command[1..], Options, cancellationToken);
    }

    private static string Trimmed(string text) => text.Trim().ReplaceLineEndings(" ");
}
