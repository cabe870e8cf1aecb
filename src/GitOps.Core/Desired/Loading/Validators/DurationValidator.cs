using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Every duration parses with <see cref="DurationParser"/> and lies in (0, 24h].</summary>
internal sealed class DurationValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        if (repository.Settings?.Defaults?.Timeouts is { } timeouts)
        {
            Check("defaults.timeouts.connect", timeouts.Connect, diagnostics);
            Check("defaults.timeouts.client", timeouts.Client, diagnostics);
            Check("defaults.timeouts.server", timeouts.Server, diagnostics);
            Check("defaults.timeouts.httpRequest", timeouts.HttpRequest, diagnostics);
            Check("defaults.timeouts.tunnel", timeouts.Tunnel, diagnostics);
        }

        foreach (var service in repository.Services)
        {
            Check("backend.health.interval", service.Backend?.Health?.Interval, diagnostics);
        }
    }

    private static void Check(string path, Located<string>? text, DiagnosticBag diagnostics)
    {
        if (text is not { } value)
        {
            return;
        }

        if (!DurationParser.TryParse(value.Value, out var duration))
        {
            diagnostics.Error(DiagnosticCodes.InvalidDuration, value.Location, $"'{path}' is '{ConfigToken.Printable(value.Value)}'; write a duration such as 500ms, 2s, 1m30s or 1h");
        }
        else if (duration <= TimeSpan.Zero || duration > DurationParser.Maximum)
        {
            diagnostics.Error(DiagnosticCodes.InvalidDuration, value.Location, $"'{path}' is '{ConfigToken.Printable(value.Value)}'; use a duration above 0 and at most 24h");
        }
    }
}
