using System.Globalization;
using GitOps.Processes;

namespace GitOps.HAProxy.Runtime;

/// <summary>
/// The kernel rules that let HAProxy connect to a backend from the client's own address (<c>source 0.0.0.0 usesrc
/// clientip</c>, TPROXY), set up in the agent's network namespace and only ever touching its own, tagged entries:
/// <list type="bullet">
/// <item>mangle chain <see cref="Chain"/>: marks a packet with <see cref="Mark"/> and accepts it;</item>
/// <item>a PREROUTING rule, commented <see cref="Tag"/>, sending TCP packets of a local socket (<c>-m socket</c>: the
/// backend's answers to HAProxy's transparent connections) to that chain;</item>
/// <item>a policy rule <c>fwmark <see cref="Mark"/> lookup <see cref="Table"/></c> and, in that table, a local route for
/// every IPv4 address, so the marked answers are delivered to HAProxy instead of forwarded.</item>
/// </list>
/// Each step checks before it adds, so converging twice changes nothing; removing deletes only these entries.
/// IPv4 only. Needs root or CAP_NET_ADMIN, iptables (with the kernel's socket match) and iproute2.
/// </summary>
public sealed class TransparentProxyRules
{
    /// <summary>The mangle chain this agent owns.</summary>
    public const string Chain = "GITOPS_TPROXY";

    /// <summary>The comment on this agent's PREROUTING rule.</summary>
    public const string Tag = "gitops-tproxy";

    /// <summary>The firewall mark of answers to transparent connections ("GI").</summary>
    public const int Mark = 0x4749;

    /// <summary>The routing table of the local route for marked packets.</summary>
    public const int Table = 4749;

    private static readonly ProcessOptions Options = new() { Timeout = TimeSpan.FromSeconds(20) };
    private static readonly string MarkText = "0x" + Mark.ToString("x", CultureInfo.InvariantCulture);
    private static readonly string TableText = Table.ToString(CultureInfo.InvariantCulture);
    private static readonly string[] Jump = ["PREROUTING", "-p", "tcp", "-m", "socket", "-m", "comment", "--comment", Tag, "-j", Chain];

    private readonly string iptablesProgram;
    private readonly string ipProgram;
    private readonly IReadOnlyList<string> runIn;

    /// <param name="iptablesProgram">The iptables program: a name looked up on PATH (and /usr/sbin) or a path.</param>
    /// <param name="ipProgram">iproute2's ip: a name looked up on PATH (and /usr/sbin) or a path.</param>
    /// <param name="runIn">A command line each program runs under, e.g. <c>ip netns exec &lt;name&gt;</c> (tests); none by default.</param>
    public TransparentProxyRules(string iptablesProgram = "iptables", string ipProgram = "ip", IReadOnlyList<string>? runIn = null)
    {
        this.iptablesProgram = iptablesProgram;
        this.ipProgram = ipProgram;
        this.runIn = runIn ?? [];
    }

    /// <summary>
    /// Adds whatever of the rules is missing. Returns null when they are all in place, else why the host cannot have them,
    /// in words for an operator (what is missing or refused, and the command's own message).
    /// </summary>
    public async Task<string?> EnsureAsync(CancellationToken cancellationToken)
    {
        if (ProcessRunner.FindOnPath(iptablesProgram) is not { } iptables)
        {
            return $"'{iptablesProgram}' is not installed (install Debian's iptables package, or run deploy/setup.sh)";
        }

        if (ProcessRunner.FindOnPath(ipProgram) is not { } ip)
        {
            return $"'{ipProgram}' is not installed (install Debian's iproute2 package, or run deploy/setup.sh)";
        }

        try
        {
            if (!(await MangleAsync(iptables, ["-S", Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                await CheckedAsync(iptables, ["-w", "-t", "mangle", "-N", Chain], cancellationToken).ConfigureAwait(false);
            }

            // The chain's two rules, in order; a chain someone changed is put right by adding what is missing.
            var listing = (await MangleAsync(iptables, ["-S", Chain], cancellationToken).ConfigureAwait(false)).StandardOutput;
            if (!listing.Contains($"-A {Chain} -j MARK --set-xmark {MarkText}/0xffffffff", StringComparison.Ordinal)
                || !listing.Contains($"-A {Chain} -j ACCEPT", StringComparison.Ordinal))
            {
                await CheckedAsync(iptables, ["-w", "-t", "mangle", "-F", Chain], cancellationToken).ConfigureAwait(false);
                await CheckedAsync(iptables, ["-w", "-t", "mangle", "-A", Chain, "-j", "MARK", "--set-mark", MarkText], cancellationToken).ConfigureAwait(false);
                await CheckedAsync(iptables, ["-w", "-t", "mangle", "-A", Chain, "-j", "ACCEPT"], cancellationToken).ConfigureAwait(false);
            }

            if (!(await MangleAsync(iptables, ["-C", .. Jump], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                await CheckedAsync(iptables, ["-w", "-t", "mangle", "-I", .. Jump], cancellationToken).ConfigureAwait(false);
            }

            if (!await HasPolicyRuleAsync(ip, cancellationToken).ConfigureAwait(false))
            {
                await CheckedAsync(ip, ["-4", "rule", "add", "fwmark", MarkText, "lookup", TableText], cancellationToken).ConfigureAwait(false);
            }

            await CheckedAsync(ip, ["-4", "route", "replace", "local", "0.0.0.0/0", "dev", "lo", "table", TableText], cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ProcessFailedException ex)
        {
            return Explain(ex.Result);
        }
        catch (ProcessStartException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Removes this agent's rules where present (nothing else): the PREROUTING rule, the chain, the policy rule and the
    /// table's route. Returns null when none is left, else what could not be removed.
    /// </summary>
    public async Task<string?> RemoveAsync(CancellationToken cancellationToken)
    {
        var iptables = ProcessRunner.FindOnPath(iptablesProgram);
        var ip = ProcessRunner.FindOnPath(ipProgram);
        try
        {
            if (iptables is not null)
            {
                // Bounded: a rule added twice by hand is removed twice; more than that is not ours to chase.
                for (var i = 0; i < 8 && (await MangleAsync(iptables, ["-C", .. Jump], cancellationToken).ConfigureAwait(false)).Succeeded; i++)
                {
                    await CheckedAsync(iptables, ["-w", "-t", "mangle", "-D", .. Jump], cancellationToken).ConfigureAwait(false);
                }

                if ((await MangleAsync(iptables, ["-S", Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
                {
                    await CheckedAsync(iptables, ["-w", "-t", "mangle", "-F", Chain], cancellationToken).ConfigureAwait(false);
                    await CheckedAsync(iptables, ["-w", "-t", "mangle", "-X", Chain], cancellationToken).ConfigureAwait(false);
                }
            }

            if (ip is not null)
            {
                for (var i = 0; i < 8 && await HasPolicyRuleAsync(ip, cancellationToken).ConfigureAwait(false); i++)
                {
                    await CheckedAsync(ip, ["-4", "rule", "del", "fwmark", MarkText, "lookup", TableText], cancellationToken).ConfigureAwait(false);
                }

                // Flushing an empty or missing table fails harmlessly on some kernels: only flush what has routes.
                var routes = await RunAsync(ip, ["-4", "route", "show", "table", TableText], cancellationToken).ConfigureAwait(false);
                if (routes.Succeeded && routes.StandardOutput.Trim().Length > 0)
                {
                    await CheckedAsync(ip, ["-4", "route", "flush", "table", TableText], cancellationToken).ConfigureAwait(false);
                }
            }

            return null;
        }
        catch (ProcessFailedException ex)
        {
            return Explain(ex.Result);
        }
    }

    /// <summary>True when any of this agent's entries is in place (its chain, its PREROUTING rule or its policy rule).</summary>
    public async Task<bool> AnyPresentAsync(CancellationToken cancellationToken)
    {
        if (ProcessRunner.FindOnPath(iptablesProgram) is { } iptables
            && (await MangleAsync(iptables, ["-S", Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            return true;
        }

        return ProcessRunner.FindOnPath(ipProgram) is { } ip && await HasPolicyRuleAsync(ip, cancellationToken).ConfigureAwait(false);
    }

    private Task<ProcessResult> MangleAsync(string iptables, string[] arguments, CancellationToken cancellationToken) =>
        RunAsync(iptables, ["-w", "-t", "mangle", .. arguments], cancellationToken);

    private async Task<ProcessResult> CheckedAsync(string program, string[] arguments, CancellationToken cancellationToken) =>
        (await RunAsync(program, arguments, cancellationToken).ConfigureAwait(false)).EnsureSuccess();

    private Task<ProcessResult> RunAsync(string program, string[] arguments, CancellationToken cancellationToken) =>
        runIn.Count == 0
            ? ProcessRunner.RunAsync(program, arguments, Options, cancellationToken)
            : ProcessRunner.RunAsync(runIn[0], [.. runIn.Skip(1), program, .. arguments], Options, cancellationToken);

    private async Task<bool> HasPolicyRuleAsync(string ip, CancellationToken cancellationToken)
    {
        var rules = await RunAsync(ip, ["-4", "rule", "show", "fwmark", MarkText, "lookup", TableText], cancellationToken).ConfigureAwait(false);
        return rules.Succeeded && rules.StandardOutput.Contains($"fwmark {MarkText} lookup {TableText}", StringComparison.Ordinal);
    }

    /// <summary>A failed command as an operator's reason: the privilege or kernel support it lacked, with its own words.</summary>
    private static string Explain(ProcessResult result)
    {
        var said = string.Join(' ', (result.StandardError + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (said.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) || said.Contains("Operation not permitted", StringComparison.OrdinalIgnoreCase))
        {
            return $"not permitted to change the kernel's packet rules (the agent needs root or CAP_NET_ADMIN): `{result.Command}` said: {said}";
        }

        if (said.Contains("socket", StringComparison.Ordinal) && (said.Contains("load match", StringComparison.OrdinalIgnoreCase) || said.Contains("No such file", StringComparison.Ordinal)))
        {
            return $"the kernel lacks the socket match TPROXY needs (module xt_socket / nft_socket): `{result.Command}` said: {said}";
        }

        return $"`{result.Command}` failed (exit code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {said}";
    }
}
