using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>A service is placed only on declared hosts, each named once.</summary>
internal sealed class PlacementValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        var declared = repository.HostNames;
        foreach (var service in repository.Services)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var host in service.Hosts)
            {
                if (!declared.Contains(host.Value, StringComparer.Ordinal))
                {
                    diagnostics.Error(DiagnosticCodes.UnknownHost, host.Location, $"host '{ConfigToken.Printable(host.Value)}' of service '{service.DisplayName}' is not declared in gitops.yaml; declare it under 'hosts' there or remove it (declared: {string.Join(", ", declared.Distinct(StringComparer.Ordinal).Select(ConfigToken.Printable))})");
                }
                else if (!seen.Add(host.Value))
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateHost, host.Location, $"host '{host.Value}' is listed twice in 'hosts' of service '{service.DisplayName}'; remove the duplicate");
                }
            }
        }
    }
}
