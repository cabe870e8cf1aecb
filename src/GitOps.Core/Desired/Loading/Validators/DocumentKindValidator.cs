using GitOps.Core.Diagnostics;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary><c>apiVersion</c> and <c>kind</c> of every file.</summary>
internal sealed class DocumentKindValidator : IRepositoryValidator
{
    public const string ApiVersion = "gitops/v1";

    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        if (repository.Settings is { } settings)
        {
            Check(settings.File, settings.ApiVersion, settings.Kind, "Settings", diagnostics);
        }

        foreach (var service in repository.Services)
        {
            Check(service.File, service.ApiVersion, service.Kind, "Service", diagnostics);
        }
    }

    private static void Check(string file, Located<string>? apiVersion, Located<string>? kind, string expectedKind, DiagnosticBag diagnostics)
    {
        if (apiVersion is { } version && version.Value != ApiVersion)
        {
            diagnostics.Error(DiagnosticCodes.WrongApiVersion, version.Location, $"apiVersion '{ConfigToken.Printable(version.Value)}' is not supported; use '{ApiVersion}'");
        }

        if (kind is { } actual && actual.Value != expectedKind)
        {
            diagnostics.Error(DiagnosticCodes.WrongKind, actual.Location, $"kind '{ConfigToken.Printable(actual.Value)}' does not belong in '{file}'; use '{expectedKind}'");
        }
    }
}
