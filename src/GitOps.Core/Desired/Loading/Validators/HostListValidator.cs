using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>gitops.yaml declares each host once, and at least one when <c>hosts:</c> is written.</summary>
internal sealed class HostListValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        if (repository.Settings is not { Hosts: { } hosts } settings)
        {
            return;
        }

        if (hosts.Count == 0 && settings.HostsLocation is { } location)
        {
            diagnostics.Error(DiagnosticCodes.EmptyList, location, "'hosts' is empty; declare at least one host such as '- name: lb1', or remove 'hosts' for the single default host");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            if (!seen.Add(host.Name.Value))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateHost, host.Name.Location, $"host '{ConfigToken.Printable(host.Name.Value)}' is declared twice in 'hosts'; remove the duplicate");
            }
        }
    }
}
