using GitOps.Core.Desired.Loading.Specs;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Checks one aspect of a repository and reports every problem it finds; never stops at the first.</summary>
internal interface IRepositoryValidator
{
    void Validate(RepositorySpec repository, DiagnosticBag diagnostics);
}
