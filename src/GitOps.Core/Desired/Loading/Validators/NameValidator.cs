using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Service, host and static server names follow <see cref="ConfigToken.IsName"/>.</summary>
internal sealed class NameValidator : IRepositoryValidator
{
    public const string Rule = "use lowercase letters, digits and '-', starting with a letter or digit (at most 63 characters)";

    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var host in repository.Settings?.Hosts ?? [])
        {
            Check("host name", host.Name, diagnostics);
        }

        foreach (var service in repository.Services)
        {
            if (service.Name is { } name)
            {
                Check("service name", name, diagnostics);
            }

            foreach (var server in service.Backend?.Servers ?? [])
            {
                if (server.Name is { } serverName)
                {
                    Check("server name", serverName, diagnostics);
                }
            }
        }
    }

    private static void Check(string what, Located<string> name, DiagnosticBag diagnostics)
    {
        if (!ConfigToken.IsName(name.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidName, name.Location, $"{what} '{ConfigToken.Printable(name.Value)}' is invalid; {Rule}");
        }
    }
}
