namespace GitOps.Core.Desired;

/// <summary>
/// Per-service http options after applying the repository defaults. Whether a service sends
/// <c>X-Forwarded-For</c> is <see cref="BackendModel.ClientAddress"/>, which absorbed <c>forwardedFor</c>.
/// </summary>
public sealed record ServiceOptions
{
    public bool Compression { get; init; }

    public bool ServerHeader { get; init; }
}
