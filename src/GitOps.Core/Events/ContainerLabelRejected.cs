using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;

namespace GitOps.Core.Events;

/// <summary>
/// A running container carries labels that cannot be used (a bad seed label, control characters, an
/// oversized value). A container with a bad seed label is not served through the seed labels; its other
/// labels stay as they are but the unusable ones never match a selector.
/// </summary>
public sealed record ContainerLabelRejected : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required string Name { get; init; }

    /// <summary>One line per problem, each <see cref="Diagnostic.ToString"/>: <c>error GITOPSnnn: message</c> naming the container and the label.</summary>
    public required ValueList<string> Diagnostics { get; init; }

    /// <summary>The event for <paramref name="diagnostics"/> found on a container.</summary>
    public static ContainerLabelRejected From(string host, string containerId, string name, IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new() { Host = host, ContainerId = containerId, Name = name, Diagnostics = diagnostics.Select(d => d.ToString()).ToValueList() };
    }
}
