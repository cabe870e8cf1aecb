using System.Globalization;
using GitOps.Core.Diagnostics;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>
/// Services placed on a common host share a port only when HAProxy can tell their traffic
/// apart: a tcp port has one service; http services on one port either all terminate TLS or
/// none does, and never route the same host and path; the stats port is the stats page's
/// alone; a TLS redirect port is not a tcp or TLS listener. Everything on one port (listeners and
/// TLS redirects) agrees on <c>listen.acceptProxy</c>: a bind either expects the PROXY protocol or
/// does not. The later file (by path) is reported.
/// </summary>
internal sealed class PortConflictValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var stats = repository.Settings?.Stats is { IsEnabled: true } statsSpec ? statsSpec.Port?.Value ?? new StatsModel().Port : (long?)null;
        var hosts = repository.HostNames.Concat(repository.Services.SelectMany(s => s.Hosts.Select(h => h.Value))).Distinct(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            var placed = repository.Services.Where(s => s.Listen is { Port: not null, Mode: not null } && repository.HostsOf(s).Contains(host, StringComparer.Ordinal)).ToList();
            var ports = new Dictionary<long, PortUse>();
            foreach (var service in placed)
            {
                CheckListener(service, host, stats, ports, reported, diagnostics);
            }

            var redirects = new Dictionary<long, ServiceSpec>();
            foreach (var service in placed)
            {
                CheckRedirect(service, host, stats, ports, redirects, reported, diagnostics);
            }
        }
    }

    private static void CheckListener(ServiceSpec service, string host, long? stats, Dictionary<long, PortUse> ports, HashSet<string> reported, DiagnosticBag diagnostics)
    {
        var listen = service.Listen!;
        var port = listen.Port!.Value;
        var tls = listen.Tls is not null;
        var tcp = listen.Mode!.Value.Value == ListenMode.Tcp;
        if (port.Value == stats)
        {
            Report(diagnostics, reported, DiagnosticCodes.PortConflict, $"{service.File}|stats|{port.Value}", port.Location, Format($"port {port.Value} of service '{service.DisplayName}' is used by the stats page; choose another port or change 'stats.port' in gitops.yaml"));
        }

        if (!ports.TryGetValue(port.Value, out var use))
        {
            ports[port.Value] = use = new PortUse(service, tcp, tls);
        }
        else if (use.Tcp || tcp)
        {
            var owner = use.Tcp ? "tcp" : "http";
            Report(diagnostics, reported, DiagnosticCodes.PortConflict, $"{service.File}|{port.Value}|{use.Owner.File}", port.Location, Format($"port {port.Value} of service '{service.DisplayName}' is already used by {owner} service '{use.Owner.DisplayName}' ({use.Owner.File}) on host '{host}'; a tcp port cannot be shared, choose another port"));
            return;
        }
        else if (use.Tls != tls)
        {
            var (withTls, plain) = use.Tls ? (use.Owner, service) : (service, use.Owner);
            Report(diagnostics, reported, DiagnosticCodes.PortConflict, $"{service.File}|{port.Value}|{use.Owner.File}", port.Location, Format($"port {port.Value} is shared on host '{host}' by service '{withTls.DisplayName}', which terminates TLS, and service '{plain.DisplayName}', which does not; give them different ports or the same 'listen.tls' setting"));
            return;
        }
        else if (AcceptsProxy(use.Owner) != AcceptsProxy(service))
        {
            Report(diagnostics, reported, DiagnosticCodes.PortConflict, $"{service.File}|{port.Value}|{use.Owner.File}", AcceptProxyLocation(service), ProxyDisagreement(port.Value, host, use.Owner, service, "different ports"));
            return;
        }

        foreach (var (key, location) in Routes(service))
        {
            if (!use.Routes.TryAdd(key, service) && use.Routes[key] is { } other && other != service)
            {
                Report(diagnostics, reported, DiagnosticCodes.PortConflict, $"{service.File}|{port.Value}|{key}", location, Format($"route '{ConfigToken.Printable(key)}' of service '{service.DisplayName}' on port {port.Value} is already served by service '{other.DisplayName}' ({other.File}) on host '{host}'; change the route's host or path, or the port"));
            }
        }
    }

    private static void CheckRedirect(ServiceSpec service, string host, long? stats, Dictionary<long, PortUse> ports, Dictionary<long, ServiceSpec> redirects, HashSet<string> reported, DiagnosticBag diagnostics)
    {
        if (service.Listen!.Tls is not { RedirectDisabled: false } tls || service.Listen.Mode!.Value.Value != ListenMode.Http)
        {
            return;
        }

        var redirect = tls.RedirectFrom?.Value ?? new TlsModel { Certificate = "/" }.RedirectFrom!.Value;
        var location = tls.RedirectFrom?.Location ?? tls.Location;
        if (redirect == stats)
        {
            Report(diagnostics, reported, DiagnosticCodes.RedirectConflict, $"{service.File}|redirect-stats", location, Format($"TLS redirect port {redirect} of service '{service.DisplayName}' is used by the stats page; set 'listen.tls.redirectFrom' to another port, or null for no redirect"));
        }

        if (ports.TryGetValue(redirect, out var use) && (use.Tcp || use.Tls) && use.Owner != service)
        {
            var owner = use.Tcp ? "tcp" : "TLS";
            Report(diagnostics, reported, DiagnosticCodes.RedirectConflict, $"{service.File}|redirect", location, Format($"TLS redirect port {redirect} of service '{service.DisplayName}' is used by {owner} service '{use.Owner.DisplayName}' ({use.Owner.File}) on host '{host}'; set 'listen.tls.redirectFrom' to another port, or null for no redirect"));
            return;
        }

        // The redirect's bind expects the PROXY protocol when its service's listener does.
        var other = ports.TryGetValue(redirect, out var listener) && listener.Owner != service ? listener.Owner : redirects.GetValueOrDefault(redirect);
        if (other is not null && AcceptsProxy(other) != AcceptsProxy(service))
        {
            Report(diagnostics, reported, DiagnosticCodes.PortConflict, $"{service.File}|redirect-proxy", service.Listen.AcceptProxy?.Location ?? location, ProxyDisagreement(redirect, host, other, service, "another 'listen.tls.redirectFrom'"));
        }

        redirects.TryAdd(redirect, service);
    }

    private static bool AcceptsProxy(ServiceSpec service) => service.Listen?.AcceptProxy?.Value ?? false;

    private static SourceLocation AcceptProxyLocation(ServiceSpec service) =>
        service.Listen!.AcceptProxy?.Location ?? service.Listen.Port!.Value.Location;

    private static string ProxyDisagreement(long port, string host, ServiceSpec first, ServiceSpec second, string otherFix)
    {
        var (proxied, plain) = AcceptsProxy(first) ? (first, second) : (second, first);
        return Format($"port {port} is shared on host '{host}' by service '{proxied.DisplayName}', which accepts the PROXY protocol ('listen.acceptProxy: true'), and service '{plain.DisplayName}', which does not; a port either expects a PROXY header on every connection or on none, so give them the same 'listen.acceptProxy' setting or {otherFix}");
    }

    /// <summary>The service's routes as <c>host/path</c> keys; an http service without routes takes every host and path.</summary>
    private static IEnumerable<(string Key, SourceLocation Location)> Routes(ServiceSpec service) =>
        service.Routes.Count == 0
            ? [(RouteValidator.Describe(new RouteSpec { Location = service.Location, Path = "routes" }), service.Listen!.Port!.Value.Location)]
            : service.Routes.Select(r => (RouteValidator.Describe(r), r.Location));

    /// <summary>Reports once per key, so a conflict on several common hosts is one error.</summary>
    private static void Report(DiagnosticBag diagnostics, HashSet<string> reported, string code, string key, SourceLocation location, string message)
    {
        if (reported.Add(key))
        {
            diagnostics.Error(code, location, message);
        }
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);

    private sealed class PortUse(ServiceSpec owner, bool tcp, bool tls)
    {
        public ServiceSpec Owner { get; } = owner;

        public bool Tcp { get; } = tcp;

        public bool Tls { get; } = tls;

        public Dictionary<string, ServiceSpec> Routes { get; } = new(StringComparer.Ordinal);
    }
}
