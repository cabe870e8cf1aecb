using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Cookie stickiness needs an http service and a safe cookie name; a cookie name needs cookie mode.</summary>
internal sealed class StickyValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            if (service.Backend?.Sticky is not { } sticky)
            {
                continue;
            }

            if (sticky.Mode is { Value: StickyMode.Cookie } mode && service.Listen?.Mode?.Value == ListenMode.Tcp)
            {
                diagnostics.Error(DiagnosticCodes.InvalidSticky, mode.Location, $"service '{service.DisplayName}' is tcp and cannot use cookie stickiness; use 'mode: source'");
            }

            if (sticky.Cookie is not { } cookie)
            {
                continue;
            }

            if (!ConfigToken.IsCookieName(cookie.Value))
            {
                diagnostics.Error(DiagnosticCodes.InvalidSticky, cookie.Location, $"cookie name '{ConfigToken.Printable(cookie.Value)}' is invalid; use letters, digits, '_' and '-' (at most 64 characters)");
            }

            if (sticky.Mode?.Value == StickyMode.Source)
            {
                diagnostics.Error(DiagnosticCodes.InvalidSticky, cookie.Location, "'backend.sticky.cookie' only applies to 'mode: cookie'; remove it or set 'mode: cookie'");
            }
        }
    }
}
