using GitOps.Core.Desired.Loading.Specs;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>
/// Warns about a backend with neither <c>discover</c> nor <c>servers</c>. It is a warning, not an
/// error: such a backend is valid HAProxy and answers 503, exactly like a discover selector that
/// matches no running container, and it lets an operator keep a service's routes while it has no servers.
/// </summary>
internal sealed class BackendServersValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            if (service.Backend is { Discover: null, Servers.Count: 0 } backend)
            {
                diagnostics.Warning(DiagnosticCodes.NoServers, backend.Location, $"backend of service '{service.DisplayName}' has neither 'discover' nor 'servers', so it will answer 503; add one of them");
            }
        }
    }
}
