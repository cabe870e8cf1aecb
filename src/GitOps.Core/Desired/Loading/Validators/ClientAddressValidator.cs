using System.Net;
using System.Net.Sockets;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>
/// <c>backend.clientAddress</c> fits the service: <c>header</c> needs http; a service's own <c>options.forwardedFor</c>
/// says the same (true only with <c>header</c>); <c>transparent</c> has no static server on a loopback address (a
/// connection from a non-local source cannot reach it) nor on an IPv6 address (the agent's kernel rules are IPv4-only).
/// </summary>
internal sealed class ClientAddressValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            if (service.Backend?.ClientAddress is not { } clientAddress)
            {
                continue;
            }

            var mode = clientAddress.Value;
            var spelling = Spelling(mode);
            if (mode == ClientAddressMode.Header && service.Listen?.Mode?.Value == ListenMode.Tcp)
            {
                diagnostics.Error(DiagnosticCodes.InvalidClientAddress, clientAddress.Location, $"service '{service.DisplayName}' is tcp and cannot send the client's address in a header; use 'clientAddress: proxy-v2' (or proxy-v1, transparent, none), or mode http");
            }

            if (service.Options?.ForwardedFor is { } forwardedFor && forwardedFor.Value != (mode == ClientAddressMode.Header))
            {
                diagnostics.Error(DiagnosticCodes.InvalidClientAddress, forwardedFor.Location, $"'options.forwardedFor: {(forwardedFor.Value ? "true" : "false")}' of service '{service.DisplayName}' contradicts 'backend.clientAddress: {spelling}'; remove 'options.forwardedFor', which 'clientAddress' replaces");
            }

            if (mode != ClientAddressMode.Transparent)
            {
                continue;
            }

            foreach (var server in service.Backend.Servers)
            {
                if (server.Address is { } address && ServerAddress.TryParse(address.Value, out var host, out _) && IPAddress.TryParse(host, out var ip)
                    && Unreachable(ip) is { } reason)
                {
                    diagnostics.Error(DiagnosticCodes.InvalidClientAddress, address.Location, $"server '{ConfigToken.Printable(server.Name?.Value ?? server.Path)}' of service '{service.DisplayName}' is at {reason}; give the server a non-loopback IPv4 address, or use another 'clientAddress' such as proxy-v2");
                }
            }
        }
    }

    /// <summary>The YAML spelling of <paramref name="mode"/>, for messages.</summary>
    public static string Spelling(ClientAddressMode mode) =>
        Reading.Choices.ClientAddressModes.First(c => c.Value == mode).Key;

    private static string? Unreachable(IPAddress address) =>
        IPAddress.IsLoopback(address) ? $"the loopback address {address}, which 'clientAddress: transparent' cannot use: a connection from the client's non-local address cannot reach it"
        : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"the IPv6 address {address}, which 'clientAddress: transparent' cannot use: the kernel rules the agent sets up for it are IPv4-only"
        : null;
}
