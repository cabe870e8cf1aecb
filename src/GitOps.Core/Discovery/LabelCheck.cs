using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;

namespace GitOps.Core.Discovery;

/// <summary>
/// Checks the labels of a container as discovery first sees it, so the operator hears about a bad label
/// when the container starts rather than when a config is rendered.
/// </summary>
public static class LabelCheck
{
    /// <summary>
    /// Reports every bad seed label (<see cref="LabelConventions.ReadSeed"/>) and every other label whose key
    /// or value is not <see cref="ConfigToken.IsLabelText"/>. The latter are dropped from the returned
    /// container so they can never match a selector; seed labels are kept for the effective model to
    /// reject with the same message.
    /// </summary>
    public static LabelCheckResult Check(ObservedContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var diagnostics = new List<Diagnostic>();
        LabelConventions.ReadSeed(container, diagnostics);
        var kept = new List<KeyValuePair<string, string>>(container.Labels.Count);
        foreach (var label in container.Labels)
        {
            if (LabelConventions.IsSeedLabel(label.Key) || (ConfigToken.IsLabelText(label.Key) && ConfigToken.IsLabelText(label.Value)))
            {
                kept.Add(label);
            }
            else
            {
                diagnostics.Add(DiscoveryDiagnostics.UnusableLabel(container, label.Key, label.Value));
            }
        }

        var checkedContainer = kept.Count == container.Labels.Count ? container : container with { Labels = new(kept) };
        return new LabelCheckResult(checkedContainer, diagnostics.ToValueList());
    }
}
