namespace GitOps.Docker.Client;

/// <summary>What <c>GET /version</c> says about the engine.</summary>
/// <param name="Version">The engine release, e.g. <c>20.10.24</c>.</param>
/// <param name="ApiVersion">The newest API version the engine speaks, e.g. <c>1.41</c>.</param>
/// <param name="MinApiVersion">The oldest API version the engine accepts, when it says.</param>
public sealed record DockerVersion(string Version, string ApiVersion, string? MinApiVersion);
