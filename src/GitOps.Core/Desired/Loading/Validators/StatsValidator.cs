using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Stats credentials come in pairs of safe tokens, and the stats and metrics paths differ.</summary>
internal sealed class StatsValidator : IRepositoryValidator
{
    private const string CredentialRule = "use 1 to 128 printable ASCII characters without spaces, quotes, backslash, '#', '$' or ':'";

    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        if (repository.Settings?.Stats is not { } stats)
        {
            return;
        }

        if (stats.User is { } user && !ConfigToken.IsCredential(user.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidStats, user.Location, $"stats user '{ConfigToken.Printable(user.Value)}' is invalid; {CredentialRule}");
        }

        if (stats.Password is { } password && !ConfigToken.IsCredential(password.Value))
        {
            // The password itself is not echoed: it may be a real one with a typo.
            diagnostics.Error(DiagnosticCodes.InvalidStats, password.Location, $"stats password is invalid; {CredentialRule}");
        }

        if (stats.User is null != stats.Password is null)
        {
            var (given, missing) = stats.User is null ? ("password", "user") : ("user", "password");
            diagnostics.Error(DiagnosticCodes.InvalidStats, (stats.User ?? stats.Password)!.Value.Location, $"stats '{given}' is set without '{missing}'; set both or neither");
        }

        if (stats.Prometheus?.Value != false && (stats.Path?.Value ?? new StatsModel().Path) == (stats.PrometheusPath?.Value ?? new StatsModel().PrometheusPath))
        {
            diagnostics.Error(DiagnosticCodes.InvalidStats, (stats.PrometheusPath ?? stats.Path)?.Location ?? stats.Location, "'stats.prometheusPath' is the same as 'stats.path'; use another path such as /metrics");
        }
    }
}
