namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// One change of a host's configuration, or an attempt at one: a rendered version with the inputs that caused it, a
/// rollback with who asked, a rendering <c>haproxy -c</c> refused, a corrected drift; and what became of it on the host.
/// </summary>
public sealed record HistoryEntry
{
    /// <summary>The id of the event the entry stands for (ConfigRendered, RollbackRequested, ConfigRejected, DriftCorrected).</summary>
    public required Guid EventId { get; init; }

    /// <summary>A <see cref="HistoryEntryKind"/> word.</summary>
    public required string Kind { get; init; }

    public required string Host { get; init; }

    /// <summary>
    /// The configuration version: the one rendered, the one a rollback puts back, the one a drift correction restored,
    /// or for a refused rendering the one that stays (0: none).
    /// </summary>
    public required long Version { get; init; }

    /// <summary>When it happened: rendered, requested, refused, corrected.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Lower-case hex SHA-256 of the configuration text; empty when not known.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The desired-state commit the configuration was rendered from; empty when not known.</summary>
    public required string Commit { get; init; }

    /// <summary>The commit's author; empty when the commit's event is not in the store.</summary>
    public required string Author { get; init; }

    /// <summary>The first line of the commit message; empty when not known.</summary>
    public required string Subject { get; init; }

    /// <summary>Who asked, for a rollback.</summary>
    public string? Actor { get; init; }

    /// <summary>What <c>haproxy -c</c> said of a refused rendering, or what had drifted.</summary>
    public string? Detail { get; init; }

    /// <summary>The input events that caused a rendering (or a refused one), in the order they were recorded.</summary>
    public required IReadOnlyList<HistoryCause> Causes { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }

    /// <summary><c>runtime</c>, <c>reload</c>, <c>start</c> or <c>unchanged</c> once applied.</summary>
    public string? Method { get; init; }

    public double? DurationMs { get; init; }

    /// <summary><c>applied</c>, <c>failed</c>, or null while the agent has not reported (or skipped the version).</summary>
    public string? Result { get; init; }

    public string? Error { get; init; }

    /// <summary>After a failure: the version the host kept serving (null: none was applied before).</summary>
    public long? KeptVersion { get; init; }

    /// <summary>The id of the agent's ConfigApplied or ApplyFailed that <see cref="Result"/> comes from.</summary>
    public Guid? OutcomeEventId { get; init; }

    /// <summary>For a rendering: the services this configuration leaves out because a file they need is not usable on the host, one error line each.</summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];
}
