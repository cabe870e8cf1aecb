using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>
/// Static server addresses split into a safe host and a port; the stats bind address and the hosts' own addresses are
/// IP literals; virtual addresses are an IP literal with a prefix length.
/// </summary>
internal sealed class AddressValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        if (repository.Settings?.Stats?.Bind is { } bind && !ConfigToken.IsIpAddress(bind.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidAddress, bind.Location, $"stats bind address '{ConfigToken.Printable(bind.Value)}' is invalid; use an IPv4 or IPv6 address such as 127.0.0.1 or 0.0.0.0");
        }

        foreach (var host in repository.Settings?.Hosts ?? [])
        {
            if (host.Address is { } address && !ConfigToken.IsIpAddress(address.Value))
            {
                diagnostics.Error(DiagnosticCodes.InvalidAddress, address.Location, $"address '{ConfigToken.Printable(address.Value)}' of host '{ConfigToken.Printable(host.Name.Value)}' is invalid; write the host's own IPv4 or IPv6 address, such as 10.99.0.11");
            }
        }

        foreach (var group in repository.Settings?.VirtualAddresses ?? [])
        {
            if (group.Address is { } address && !ConfigToken.TryParseAddressWithPrefix(address.Value, out _, out _))
            {
                diagnostics.Error(DiagnosticCodes.InvalidAddress, address.Location, $"virtual address '{ConfigToken.Printable(address.Value)}' at '{group.Path}.address' is invalid; write an IP address with its prefix length, such as 10.99.0.10/24 or fd00::10/64");
            }
        }

        foreach (var service in repository.Services)
        {
            foreach (var server in service.Backend?.Servers ?? [])
            {
                if (server.Address is { } address && !ServerAddress.TryParse(address.Value, out _, out _))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidAddress, address.Location, $"address '{ConfigToken.Printable(address.Value)}' at '{server.Path}.address' is invalid; write 'ip:port', '[ipv6]:port' or 'host:port' with a port between 1 and 65535");
                }
            }
        }
    }
}
