namespace GitOps.Core.Hosts;

/// <summary>What an agent found at one path on its host's disk, as reported in a <see cref="Events.HostFactsObserved"/>.</summary>
public sealed record HostFileFact
{
    /// <summary>The absolute path checked.</summary>
    public required string Path { get; init; }

    public required HostFileState State { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of the content when <see cref="HostFileState.Present"/>, else null: a replaced file
    /// (a renewed certificate) is a new fact, so the history shows when it changed.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>What the operating system said when the file could not be read; null when it could.</summary>
    public string? Detail { get; init; }

    /// <summary>The fact as it reads after the path in a message (<c>does not exist</c>); null when the file is usable.</summary>
    public string? Problem() => State switch
    {
        HostFileState.Missing => "does not exist",
        HostFileState.Unreadable => Detail is { Length: > 0 } detail ? $"cannot be read ({detail})" : "cannot be read",
        _ => null,
    };
}
