using GitOps.HAProxy.Runtime;
using Xunit;

namespace GitOps.HAProxy.Tests.Runtime;

/// <summary>Samples are HAProxy 2.6.12 (Debian 12) output captured when a listener could not be bound.</summary>
public sealed class ListenerConflictTests
{
    private const string Config = """
        frontend fe_80
            bind 127.0.0.1:80
            default_backend web
            use_backend api if { path_beg /api }
        backend web
            server s1 127.0.0.1:9
        backend api
            server s1 127.0.0.1:9

        """;

    private const string PermissionDenied =
        "[NOTICE]   (8576) : haproxy version is 2.6.12-1+deb12u4\n" +
        "[NOTICE]   (8576) : path to executable is /usr/sbin/haproxy\n" +
        "[ALERT]    (8576) : Binding [/tmp/i12/hp/h.cfg:7] for frontend fe_80: cannot bind socket (Permission denied) for [127.0.0.1:80]\n" +
        "[ALERT]    (8576) : [haproxy.main()] Some protocols failed to start their listeners! Exiting.\n";

    private const string InUse =
        "[NOTICE]   (24062) : haproxy version is 2.6.12-1+deb12u4\n" +
        "[ALERT]    (24062) : Binding [/tmp/i12/E/d1/hosts/local/haproxy/haproxy.cfg:21] for frontend fe_80: cannot bind socket (Address already in use) for [0.0.0.0:80]\n" +
        "[ALERT]    (24062) : [/usr/sbin/haproxy.main()] Some protocols failed to start their listeners! Exiting.\n";

    [Fact]
    public void Find_AddressInUse_NamesPortAndEveryServiceBehindTheFrontend()
    {
        var conflict = ListenerConflict.Find(InUse, Config);

        Assert.NotNull(conflict);
        Assert.Equal(("fe_80", "0.0.0.0:80", 80, "Address already in use"), (conflict.Frontend, conflict.Address, conflict.Port, conflict.Reason));
        Assert.Equal(["api", "web"], conflict.Services);
        Assert.Equal(
            "port 80 is already in use by another program, so HAProxy of host 'lb1' cannot listen on 0.0.0.0:80 for services 'api', 'web': " +
            "stop that program (`ss -ltnp 'sport = :80'` names it), or give those services another listen.port",
            conflict.Describe("lb1"));
    }

    [Fact]
    public void Find_PermissionDeniedBelow1024_SaysWhatThePortNeeds()
    {
        var conflict = ListenerConflict.Find(PermissionDenied, Config);

        Assert.NotNull(conflict);
        Assert.Equal(
            "HAProxy of host 'lb1' may not listen on 127.0.0.1:80 for services 'api', 'web' (Permission denied): ports below 1024 need root or " +
            "CAP_NET_BIND_SERVICE; run it as root, or give those services another listen.port",
            conflict.Describe("lb1"));
    }

    [Fact]
    public void Find_OutputWithoutABindAlert_Null()
    {
        Assert.Null(ListenerConflict.Find("[ALERT]    (1) : config : Fatal errors found in configuration.\n", Config));
    }
}
