using GitOps.Core.Text;

namespace GitOps.Cli.Offline;

/// <summary>The change of one host's configuration between two revisions; a side is null when the host does not exist there.</summary>
internal sealed record HostDiff(string Host, string? Before, string? After)
{
    public IReadOnlyList<DiffLine> Lines { get; } = LineDiff.Compute(Before ?? string.Empty, After ?? string.Empty);

    public bool Changed => Before != After;

    public (int Added, int Removed) Counts => LineDiff.Count(Lines);

    public string Unified(string baseLabel, string headLabel) => LineDiff.Unified(
        Before ?? string.Empty,
        After ?? string.Empty,
        Before is null ? "/dev/null" : $"a/{Host}.cfg ({baseLabel})",
        After is null ? "/dev/null" : $"b/{Host}.cfg ({headLabel})");

    /// <summary>Pairs the hosts of both sides by name, in base order then new hosts in head order.</summary>
    public static IReadOnlyList<HostDiff> Pair(IReadOnlyList<RenderedHost> before, IReadOnlyList<RenderedHost> after)
    {
        var names = before.Select(h => h.Host).Concat(after.Select(h => h.Host)).Distinct(StringComparer.Ordinal);
        return names.Select(name => new HostDiff(
            name,
            before.FirstOrDefault(h => h.Host == name)?.Config,
            after.FirstOrDefault(h => h.Host == name)?.Config)).ToList();
    }
}
