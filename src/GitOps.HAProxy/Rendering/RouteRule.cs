using GitOps.Core.Desired;

namespace GitOps.HAProxy.Rendering;

/// <summary>One http route of a service on a frontend, ordered most specific first.</summary>
internal sealed record RouteRule(string Service, RouteModel Route) : IComparable<RouteRule>
{
    private const string HostSample = "req.hdr(host),field(1,:)";

    /// <summary>The anonymous ACLs of this route; empty when it matches every request.</summary>
    public IReadOnlyList<string> Condition()
    {
        var tokens = new List<string>(10);
        if (Route.Host is { } host)
        {
            // field(1,:) drops a ":port" suffix; Host is case-insensitive.
            tokens.AddRange(host.StartsWith("*.", StringComparison.Ordinal)
                ? ["{", HostSample, "-i", "-m", "end", host[1..], "}"]
                : ["{", HostSample, "-i", host, "}"]);
        }

        if (Route.Path != "/")
        {
            tokens.AddRange(["{", "path_beg", Route.Path, "}"]);
        }

        return tokens;
    }

    /// <summary>Exact hosts, then wildcards (longest suffix first), then any host; for one host, longest path first.</summary>
    public int CompareTo(RouteRule? other)
    {
        if (other is null)
        {
            return 1;
        }

        var result = HostRank.CompareTo(other.HostRank);
        if (result == 0 && HostRank == 1)
        {
            // *.a.example.com is more specific than *.example.com.
            result = other.Route.Host!.Length.CompareTo(Route.Host!.Length);
        }

        if (result == 0)
        {
            result = string.CompareOrdinal(Route.Host, other.Route.Host);
        }

        if (result == 0)
        {
            result = other.Route.Path.Length.CompareTo(Route.Path.Length);
        }

        if (result == 0)
        {
            result = string.CompareOrdinal(Route.Path, other.Route.Path);
        }

        return result != 0 ? result : string.CompareOrdinal(Service, other.Service);
    }

    private int HostRank => Route.Host switch
    {
        null => 2,
        var h when h.StartsWith("*.", StringComparison.Ordinal) => 1,
        _ => 0,
    };
}
