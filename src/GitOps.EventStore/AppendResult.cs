namespace GitOps.EventStore;

/// <summary>The outcome of an append.</summary>
/// <param name="Stream">The stream appended to.</param>
/// <param name="Version">The version of the stream's last event of this append (pass it as the next <see cref="ExpectedVersion.Exact"/>).</param>
/// <param name="Appended">False when every event id was already stored: a retried append that had committed, so nothing was added.</param>
public sealed record AppendResult(string Stream, long Version, bool Appended);
