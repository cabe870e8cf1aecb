namespace GitOps.Core.Desired;

/// <summary>Active health checks: an http GET of <see cref="Path"/> (http services) or a tcp connect.</summary>
public sealed record HealthModel
{
    /// <summary>Http path checked; null means a tcp connect check.</summary>
    public string? Path { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public int Rise { get; init; } = 2;

    public int Fall { get; init; } = 3;
}
