using GitOps.Core.Diagnostics;
using GitOps.Core.Desired.Loading.Reading;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>
/// A discover selector names at least one label; keys are non-empty and keys and values pass
/// <see cref="ConfigToken.IsLabelText"/>. Selectors are only matched against container labels,
/// never written into the configuration, so they may hold any other printable text.
/// </summary>
internal sealed class LabelSelectorValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            if (service.Backend?.Discover is not { } discover)
            {
                continue;
            }

            foreach (var label in discover.Labels)
            {
                if (label.Key.Value.Length == 0)
                {
                    diagnostics.Error(DiagnosticCodes.InvalidLabelSelector, label.Key.Location, "a label key in 'backend.discover.labels' is empty; write a label name such as 'app'");
                }
                else if (!ConfigToken.IsLabelText(label.Key.Value))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidLabelSelector, label.Key.Location, $"label key '{ConfigToken.Printable(label.Key.Value)}' holds control or line-break characters or is over 1024 characters; remove them");
                }

                if (!ConfigToken.IsLabelText(label.Value.Value))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidLabelSelector, label.Value.Location, $"value '{ConfigToken.Printable(label.Value.Value)}' of label '{ConfigToken.Printable(label.Key.Value)}' holds control or line-break characters or is over 1024 characters; remove them");
                }
            }

            CheckCompose(discover.ComposeProject, "compose.project", ServiceSpecReader.ComposeProjectLabel, discover, diagnostics);
            CheckCompose(discover.ComposeService, "compose.service", ServiceSpecReader.ComposeServiceLabel, discover, diagnostics);

            if (discover.Labels.Count == 0 && discover.ComposeProject is null && discover.ComposeService is null)
            {
                diagnostics.Error(DiagnosticCodes.InvalidLabelSelector, discover.LabelsLocation ?? discover.Location, $"'backend.discover' of service '{service.DisplayName}' selects no containers; add 'labels' (such as app: web) or 'compose'");
            }
        }
    }

    private static void CheckCompose(Located<string>? value, string path, string label, DiscoverSpec discover, DiagnosticBag diagnostics)
    {
        if (value is not { } text)
        {
            return;
        }

        if (text.Value.Length == 0 || !ConfigToken.IsLabelText(text.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidLabelSelector, text.Location, $"'backend.discover.{path}' is '{ConfigToken.Printable(text.Value)}'; write the Compose name without control or line-break characters");
        }

        if (discover.Labels.FirstOrDefault(l => l.Key.Value == label) is { } clash && clash.Value.Value != text.Value)
        {
            diagnostics.Error(DiagnosticCodes.InvalidLabelSelector, clash.Key.Location, $"label '{label}' is given both in 'labels' and by '{path}' with different values; keep one of them");
        }
    }
}
