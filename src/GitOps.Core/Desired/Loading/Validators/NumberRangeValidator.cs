using System.Globalization;
using GitOps.Core.Desired.Loading.Specs;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Weights, health check counts and the connection limit stay within what HAProxy accepts.</summary>
internal sealed class NumberRangeValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        Check("defaults.maxConnections", repository.Settings?.Defaults?.MaxConnections, 1, 1_000_000, diagnostics);
        foreach (var service in repository.Services)
        {
            foreach (var server in service.Backend?.Servers ?? [])
            {
                Check($"{server.Path}.weight", server.Weight, 0, 256, diagnostics);
            }

            Check("backend.health.rise", service.Backend?.Health?.Rise, 1, 100, diagnostics);
            Check("backend.health.fall", service.Backend?.Health?.Fall, 1, 100, diagnostics);
        }
    }

    private static void Check(string path, Located<long>? number, long minimum, long maximum, DiagnosticBag diagnostics)
    {
        if (number is { } value && (value.Value < minimum || value.Value > maximum))
        {
            diagnostics.Error(DiagnosticCodes.NumberOutOfRange, value.Location, string.Create(CultureInfo.InvariantCulture, $"'{path}' is {value.Value}; use a number between {minimum} and {maximum}"));
        }
    }
}
