namespace GitOps.Testing.Docker;

/// <summary>How <see cref="DockerFixture.RunHttpContainerAsync"/> runs a busybox httpd container.</summary>
public sealed record HttpContainerOptions
{
    /// <summary>Labels besides the fixture's own <c>gitops-test.run</c> label.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The container name; a unique one is made up when null.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// A <c>--health-cmd</c> run by <c>/bin/sh</c> in the container, e.g.
    /// <c>wget -q -O /dev/null http://127.0.0.1/</c> (every busybox applet is on the PATH); none when null.
    /// </summary>
    public string? HealthCommand { get; init; }

    /// <summary>The <c>--health-interval</c>, used with <see cref="HealthCommand"/>.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The <c>--health-retries</c>, used with <see cref="HealthCommand"/>.</summary>
    public int HealthRetries { get; init; } = 1;

    /// <summary>
    /// Networks to attach, the first at creation and the others before the start; the engine's default
    /// bridge when empty.
    /// </summary>
    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Extra environment variables for the container.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
