namespace GitOps.Testing.Network;

/// <summary>What a <see cref="RequestLoop"/> saw.</summary>
public sealed record RequestLoopResult(IReadOnlyList<RequestSample> Samples, string Errors)
{
    public int Failed => Samples.Count(s => !s.Succeeded);

    /// <summary>
    /// The longest time without an answer: between two successive successful requests (by the time each ended), the
    /// last success before an outage and the first after it.
    /// </summary>
    public long LongestGapMs
    {
        get
        {
            var ends = Samples.Where(s => s.Succeeded).Select(s => s.EndedMs).Order().ToList();
            return ends.Zip(ends.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        }
    }

    public override string ToString() =>
        $"{Samples.Count} requests, {Failed} failed, longest gap {LongestGapMs} ms; failed: "
        + string.Join(", ", Samples.Where(s => !s.Succeeded).Select(s => $"{s.StartedMs}+{s.EndedMs - s.StartedMs}ms={s.Status}"))
        + (Errors.Length > 0 ? "\n" + Errors : "");
}
