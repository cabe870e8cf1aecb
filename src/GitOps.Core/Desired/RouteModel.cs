namespace GitOps.Core.Desired;

/// <summary>An http routing rule: requests whose Host header matches and whose path starts with <see cref="Path"/>.</summary>
public sealed record RouteModel
{
    /// <summary>Lowercase host name, optionally <c>*.example.com</c>; null matches any host.</summary>
    public string? Host { get; init; }

    public string Path { get; init; } = "/";
}
