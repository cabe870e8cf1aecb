using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Docker network names follow <see cref="ConfigToken.IsDockerName"/>.</summary>
internal sealed class NetworkNameValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        Check("discovery.network", repository.Settings?.Discovery?.Network, diagnostics);
        foreach (var service in repository.Services)
        {
            Check("backend.discover.network", service.Backend?.Discover?.Network, diagnostics);
        }
    }

    private static void Check(string path, Located<string>? network, DiagnosticBag diagnostics)
    {
        if (network is { } name && !ConfigToken.IsDockerName(name.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidNetworkName, name.Location, $"network name '{ConfigToken.Printable(name.Value)}' at '{path}' is invalid; use letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
    }
}
