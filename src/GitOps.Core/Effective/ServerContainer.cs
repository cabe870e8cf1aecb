namespace GitOps.Core.Effective;

/// <summary>The container and network a discovered server was derived from.</summary>
public sealed record ServerContainer(string Id, string Name, string Network)
{
    public string ShortId => Id.Length > 12 ? Id[..12] : Id;
}
