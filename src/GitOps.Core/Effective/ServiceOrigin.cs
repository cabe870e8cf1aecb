namespace GitOps.Core.Effective;

/// <summary>Where an effective service comes from.</summary>
public enum ServiceOrigin
{
    /// <summary>A <c>services/*.yaml</c> file in Git.</summary>
    Repository,

    /// <summary>Synthesized from containers labelled <c>lb.enable</c>/<c>lb.publish</c>/<c>lb.target</c>.</summary>
    SeedLabels,
}
