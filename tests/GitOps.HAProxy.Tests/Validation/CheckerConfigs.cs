namespace GitOps.HAProxy.Tests.Validation;

/// <summary>Configuration texts shared by the checker tests.</summary>
internal static class CheckerConfigs
{
    /// <summary>The smallest configuration <c>haproxy -c</c> accepts here: one frontend, one backend, one server.</summary>
    public const string Valid = """
        defaults
            mode http
            timeout connect 5s
            timeout client 30s
            timeout server 30s

        frontend fe_80
            bind 127.0.0.1:8080
            default_backend web

        backend web
            server web-1 127.0.0.1:8081

        """;

    /// <summary><see cref="Valid"/> with a second server named <c>web-1</c>: haproxy -c refuses it.</summary>
    public const string DuplicateServer = Valid + "    server web-1 127.0.0.1:8082\n";
}
