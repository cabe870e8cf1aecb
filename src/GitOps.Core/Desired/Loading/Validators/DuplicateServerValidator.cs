using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Static server names are unique within a backend (HAProxy refuses duplicates).</summary>
internal sealed class DuplicateServerValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var server in service.Backend?.Servers ?? [])
            {
                if (server.Name is { } name && !seen.Add(name.Value))
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateServer, name.Location, $"server name '{ConfigToken.Printable(name.Value)}' is used twice in service '{service.DisplayName}'; give each server a unique name");
                }
            }
        }
    }
}
