using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Each service name is declared by one file only.</summary>
internal sealed class DuplicateServiceValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        var first = new Dictionary<string, ServiceSpec>(StringComparer.Ordinal);
        foreach (var service in repository.Services)
        {
            if (service.Name is not { } name)
            {
                continue;
            }

            if (!first.TryAdd(name.Value, service))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateService, name.Location, $"service name '{ConfigToken.Printable(name.Value)}' is already declared in '{first[name.Value].File}'; rename one of them");
            }
        }
    }
}
