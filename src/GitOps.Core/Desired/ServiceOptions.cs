namespace GitOps.Core.Desired;

/// <summary>Per-service http options after applying the repository defaults.</summary>
public sealed record ServiceOptions
{
    public bool Compression { get; init; }

    public bool ForwardedFor { get; init; } = true;

    public bool ServerHeader { get; init; }
}
