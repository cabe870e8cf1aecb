namespace GitOps.Core.Hosts;

/// <summary>
/// Whether an agent could give its host something a service needs beyond files, as reported in a
/// <see cref="Events.HostFactsObserved"/>: today the kernel rules of transparent proxying (<see cref="TransparentProxy"/>).
/// </summary>
public sealed record HostCapabilityFact
{
    /// <summary>The capability of <c>backend.clientAddress: transparent</c>: the TPROXY rules set up on the host.</summary>
    public const string TransparentProxy = "transparent proxying";

    /// <summary>Which capability: <see cref="TransparentProxy"/>.</summary>
    public required string Name { get; init; }

    /// <summary>Why the host cannot have it, in words for an operator; null when it has it.</summary>
    public string? Problem { get; init; }
}
