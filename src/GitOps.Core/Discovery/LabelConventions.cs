using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;

namespace GitOps.Core.Discovery;

/// <summary>
/// How container labels select containers: a Git selector matches when every selector label is
/// present with an equal value (Compose labels are ordinary labels), and the seed labels
/// <c>lb.enable</c>/<c>lb.publish</c>/<c>lb.target</c> publish a container with no file in Git.
/// </summary>
public static class LabelConventions
{
    public const string EnableLabel = "lb.enable";
    public const string PublishLabel = "lb.publish";
    public const string TargetLabel = "lb.target";
    public const string ComposeProjectLabel = "com.docker.compose.project";
    public const string ComposeServiceLabel = "com.docker.compose.service";

    private static readonly string[] Enabled = ["y", "yes", "true"];
    private static readonly string[] Disabled = ["n", "no", "false"];

    /// <summary>True for <c>lb.enable</c>, <c>lb.publish</c> and <c>lb.target</c>.</summary>
    public static bool IsSeedLabel(string key) => key is EnableLabel or PublishLabel or TargetLabel;

    /// <summary>True when <paramref name="labels"/> holds every pair of <paramref name="selector"/> (ordinal comparison).</summary>
    public static bool Matches(ValueMap selector, ValueMap labels) =>
        selector.Count > 0 && selector.All(pair => labels.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));

    /// <summary>
    /// Reads the seed labels of <paramref name="container"/>. Returns null when the container does
    /// not ask to be served, or asks with a bad label: then a diagnostic naming the container and
    /// the label is added and the container is left out.
    /// </summary>
    public static SeedTarget? ReadSeed(ObservedContainer container, ICollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!container.Labels.TryGetValue(EnableLabel, out var enable))
        {
            return null;
        }

        if (!IsOneOf(enable, Enabled))
        {
            if (!IsOneOf(enable, Disabled))
            {
                diagnostics.Add(DiscoveryDiagnostics.SeedLabel(container, EnableLabel, $"has the value '{DiscoveryDiagnostics.Show(enable)}', which is neither yes nor no", "use lb.enable=Y to serve it, lb.enable=N or no label not to"));
            }

            return null;
        }

        var publish = ReadPort(container, PublishLabel, "the port clients connect to on the load balancer, e.g. lb.publish=80", diagnostics);
        var target = ReadPort(container, TargetLabel, "the port the container listens on, e.g. lb.target=8080", diagnostics);
        return publish is { } p && target is { } t ? new SeedTarget(p, t) : null;
    }

    private static int? ReadPort(ObservedContainer container, string label, string meaning, ICollection<Diagnostic> diagnostics)
    {
        if (!container.Labels.TryGetValue(label, out var text))
        {
            diagnostics.Add(DiscoveryDiagnostics.SeedLabel(container, label, "is missing", $"add it with {meaning}"));
            return null;
        }

        if (!ConfigToken.TryParsePort(text, out var port))
        {
            diagnostics.Add(DiscoveryDiagnostics.SeedLabel(container, label, $"value '{DiscoveryDiagnostics.Show(text)}' is not a port number 1-65535", $"set it to {meaning}"));
            return null;
        }

        return port;
    }

    private static bool IsOneOf(string value, string[] choices) =>
        choices.Any(choice => string.Equals(choice, value, StringComparison.OrdinalIgnoreCase));
}
