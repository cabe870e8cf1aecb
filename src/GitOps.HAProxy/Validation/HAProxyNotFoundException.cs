namespace GitOps.HAProxy.Validation;

/// <summary>The <c>haproxy</c> program is not installed, so a configuration cannot be checked.</summary>
public sealed class HAProxyNotFoundException(string program, Exception? inner = null)
    : Exception($"'{program}' was not found, so the configuration cannot be checked with 'haproxy -c'. Install HAProxy 2.6 with deploy/setup.sh (Debian package 'haproxy').", inner);
