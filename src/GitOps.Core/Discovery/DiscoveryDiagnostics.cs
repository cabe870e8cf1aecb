using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;

namespace GitOps.Core.Discovery;

/// <summary>Codes and messages of the problems found in discovery input (GITOPS3xx).</summary>
public static class DiscoveryDiagnostics
{
    public const string InvalidJson = "GITOPS301";
    public const string InvalidContainer = "GITOPS302";
    public const string InvalidNetwork = "GITOPS303";
    public const string InvalidSeedLabel = "GITOPS310";
    public const string SeedPortTaken = "GITOPS311";
    public const string InvalidLabel = "GITOPS312";

    internal static Diagnostic SeedLabel(ObservedContainer container, string label, string problem, string fix) =>
        new(InvalidSeedLabel, $"container '{Show(container.Name)}': label '{label}' {problem}; {fix}. The container is not served.", null);

    internal static Diagnostic UnusableLabel(ObservedContainer container, string key, string value) =>
        new(InvalidLabel, $"container '{Show(container.Name)}': label '{Show(key)}' (value '{Show(value)}') has control characters or is longer than 1024 characters; the label is ignored and matches no selector. Fix it where the container is created.", null);

    /// <summary>Quotes text from outside (a container name, a label value) safely for a message.</summary>
    public static string Show(string value) => ConfigToken.Printable(value).Replace("'", "\\'", StringComparison.Ordinal);
}
