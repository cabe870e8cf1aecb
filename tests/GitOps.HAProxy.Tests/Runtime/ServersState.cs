namespace GitOps.HAProxy.Tests.Runtime;

/// <summary>Reads <c>show servers state</c> into one column-name → value map per server, by its header line.</summary>
internal static class ServersState
{
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string answer)
    {
        var lines = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.Single(l => l.StartsWith("# be_id", StringComparison.Ordinal))[2..].Split(' ');
        return lines
            .Where(l => !l.StartsWith('#') && l.Contains(' ', StringComparison.Ordinal))
            .Select(l => (IReadOnlyDictionary<string, string>)header.Zip(l.Split(' ')).ToDictionary(p => p.First, p => p.Second))
            .ToList();
    }
}
