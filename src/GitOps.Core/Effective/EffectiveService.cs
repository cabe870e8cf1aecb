using GitOps.Core.Collections;
using GitOps.Core.Desired;

namespace GitOps.Core.Effective;

/// <summary>One service as served on a host: its (possibly adjusted) model and its final servers.</summary>
public sealed record EffectiveService
{
    /// <summary>The service; for <see cref="ServiceOrigin.SeedLabels"/> a synthesized one named <c>seed-&lt;port&gt;</c>.</summary>
    public required ServiceModel Service { get; init; }

    public required ServiceOrigin Origin { get; init; }

    /// <summary>Static servers (by name) then discovered ones (by container name); names unique.</summary>
    public required ValueList<EffectiveServer> Servers { get; init; }

    public string Name => Service.Name;
}
