using System.Globalization;
using System.Text.RegularExpressions;
using GitOps.Core.Collections;
using GitOps.HAProxy.Apply;
using GitOps.HAProxy.Rendering;

namespace GitOps.HAProxy.Runtime;

/// <summary>
/// HAProxy could not open one of its listening sockets: another program holds the port, or binding it needs privileges.
/// Read from HAProxy's own alert (<c>Binding [haproxy.cfg:21] for frontend fe_80: cannot bind socket (Address already
/// in use) for [0.0.0.0:80]</c>) and the configuration it was started on, which tells whose port it is.
/// </summary>
/// <param name="Frontend">The frontend that could not listen, e.g. <c>fe_80</c> or <c>gitops_stats</c>.</param>
/// <param name="Address">The address and port, as HAProxy prints them.</param>
/// <param name="Port">The port.</param>
/// <param name="Reason">The system's reason, e.g. <c>Address already in use</c>.</param>
/// <param name="Services">The services the frontend routes to (its backends), by name; empty for the statistics page.</param>
public sealed partial record ListenerConflict(string Frontend, string Address, int Port, string Reason, ValueList<string> Services)
{
    /// <summary>True for the statistics page's frontend.</summary>
    public bool IsStatistics => Frontend == HAProxyConfigRenderer.StatsFrontend;

    /// <summary>True when another program holds the address (rather than, say, missing privileges).</summary>
    public bool InUse => Reason.Contains("in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first socket HAProxy's <paramref name="output"/> says it could not bind; null when it says none.</summary>
    /// <param name="output">What HAProxy printed before it exited.</param>
    /// <param name="configText">The configuration it was started on, to name the services behind the frontend; null when not known.</param>
    public static ListenerConflict? Find(string output, string? configText)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = BindAlert().Match(output);
        if (!match.Success)
        {
            return null;
        }

        var frontend = match.Groups["frontend"].Value;
        var address = match.Groups["address"].Value;
        var port = int.TryParse(address.AsSpan(address.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new ListenerConflict(frontend, address, port, match.Groups["reason"].Value, ServicesBehind(frontend, configText));
    }

    /// <summary>One line naming the port, whose it is, why HAProxy cannot have it and what to do.</summary>
    public string Describe(string host)
    {
        var what = IsStatistics ? "the statistics page"
            : Services.Count == 0 ? $"frontend {Frontend}"
            : (Services.Count == 1 ? "service " : "services ") + string.Join(", ", Services.Select(s => $"'{s}'"));
        var move = IsStatistics ? "give the statistics page another stats.port in gitops.yaml"
            : Services.Count == 1 ? $"give '{Services[0]}' another listen.port in its services/*.yaml"
            : "give those services another listen.port";
        var port = Port.ToString(CultureInfo.InvariantCulture);
        if (InUse)
        {
            return $"port {port} is already in use by another program, so HAProxy of host '{host}' cannot listen on {Address} for {what}: " +
                   $"stop that program (`ss -ltnp 'sport = :{port}'` names it), or {move}";
        }

        return Port is > 0 and < 1024 && Reason.Contains("denied", StringComparison.OrdinalIgnoreCase)
            ? $"HAProxy of host '{host}' may not listen on {Address} for {what} ({Reason}): ports below 1024 need root or CAP_NET_BIND_SERVICE; run it as root, or {move}"
            : $"HAProxy of host '{host}' cannot listen on {Address} for {what} ({Reason}): free that address, or {move}";
    }

    private static ValueList<string> ServicesBehind(string frontend, string? configText)
    {
        if (configText is null)
        {
            return ValueList<string>.Empty;
        }

        var section = HAProxyConfigDocument.Parse(configText).Sections.FirstOrDefault(s => s.Keyword is "frontend" or "listen" && s.Name == frontend);
        return section is null
            ? ValueList<string>.Empty
            : section.Lines.Where(l => l.Count > 1 && l[0] is "default_backend" or "use_backend").Select(l => l[1]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToValueList();
    }

    [GeneratedRegex(@"for \S+ (?<frontend>\S+): cannot bind socket \((?<reason>[^)]*)\) for \[(?<address>[^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex BindAlert();
}
