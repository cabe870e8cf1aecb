namespace GitOps.HAProxy.Apply;

/// <summary>Settings of <see cref="ConfigApplier"/>; the config file and HAProxy itself come from the supervisor.</summary>
public sealed record ConfigApplierOptions
{
    /// <summary>The admin-level stats socket the rendered configuration declares (<c>RenderOptions.AdminSocketPath</c>).</summary>
    public required string AdminSocketPath { get; init; }

    /// <summary>How long a removed server may keep sessions before they are shut down and it is deleted.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a draining server's sessions are counted.</summary>
    public TimeSpan DrainPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The bound on one runtime API command.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
