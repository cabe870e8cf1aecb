namespace GitOps.Reconciler.ReadModels;

/// <summary>One rendered configuration of a host: where it came from and what became of it.</summary>
public sealed record HistoryEntry
{
    public required string Host { get; init; }

    public required long Version { get; init; }

    public required string Sha256 { get; init; }

    public required string Commit { get; init; }

    /// <summary>The commit's author; empty when the commit's event is not in the store.</summary>
    public required string Author { get; init; }

    /// <summary>The first line of the commit message.</summary>
    public required string Subject { get; init; }

    /// <summary>Ids of the input events (desired state, container changes) that caused it.</summary>
    public required IReadOnlyList<Guid> Causes { get; init; }

    public required DateTimeOffset RenderedAt { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }

    /// <summary><c>runtime</c> or <c>reload</c> once applied.</summary>
    public string? Method { get; init; }

    public double? DurationMs { get; init; }

    /// <summary><c>applied</c>, <c>failed</c>, or null while the agent has not reported.</summary>
    public string? Result { get; init; }

    public string? Error { get; init; }

    /// <summary>The services this configuration leaves out because a file they need is not usable on the host, one error line each.</summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];
}
