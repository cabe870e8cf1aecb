namespace GitOps.HAProxy.Rendering;

/// <summary>
/// Tokens checked once by <see cref="ConfigWriter.Fragment"/> and then written many times, like the
/// health-check arguments every server of a backend shares.
/// </summary>
internal readonly record struct ConfigFragment(string Text)
{
    public static ConfigFragment Empty { get; } = new(string.Empty);
}
