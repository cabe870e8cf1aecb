using GitOps.HAProxy.Apply;
using Xunit;

namespace GitOps.HAProxy.Tests.Apply;

public sealed class ApplyPlannerTests
{
    private const string Head = """
        global
            stats socket /run/x/admin.sock level admin

        defaults
            mode http
            timeout client 5s

        frontend fe
            bind :80
            default_backend b

        """;

    [Fact]
    public void Plan_SameText_None()
    {
        var text = Config("server s1 10.0.0.1:80 weight 100");

        Assert.Equal(ApplyMethod.None, ApplyPlanner.Plan(text, text).Method);
    }

    [Fact]
    public void Plan_OnlyCommentsAndBlankLinesChanged_RuntimeWithoutOperations()
    {
        var plan = ApplyPlanner.Plan(
            Config("server s1 10.0.0.1:80 weight 100 # container a"),
            Config("server s1 10.0.0.1:80 weight 100 # container b\n\n    # note"));

        Assert.Equal(ApplyMethod.Runtime, plan.Method);
        Assert.Empty(plan.Operations);
    }

    [Fact]
    public void Plan_ServersAddedChangedRemoved_RuntimeOperationsAddsFirstRemovalsLast()
    {
        var plan = ApplyPlanner.Plan(
            Config("server s1 10.0.0.1:80 weight 100", "server s2 10.0.0.2:80 weight 100", "server s3 10.0.0.3:80 weight 100"),
            Config("server s2 10.0.0.9:8080 weight 100", "server s3 10.0.0.3:80 weight 5", "server s4 [fd00::4]:80 check inter 2s weight 100"));

        Assert.Equal(ApplyMethod.Runtime, plan.Method);
        Assert.Equal(
            ["add b/s4 [fd00::4]:80", "readdress b/s2 to 10.0.0.9:8080", "weight b/s3 5", "remove b/s1"],
            plan.Operations.Select(o => o.Describe()));
        Assert.Equal("add server b/s4 [fd00::4]:80 check inter 2s weight 100", ((AddServerOperation)plan.Operations[0]).AddCommand);
    }

    [Theory]
    [InlineData("balance roundrobin|server s1 10.0.0.1:80", "balance leastconn|server s1 10.0.0.1:80", "'backend b' changed in more than its servers")]
    [InlineData("server s1 10.0.0.1:80", "server s1 10.0.0.1:80 check", "'backend b': server 's1' changed in more than its address and weight")]
    [InlineData("server s1 10.0.0.1:80", "server s1 app.internal:80", "'backend b': server 's1' moved to 'app.internal:80', which the runtime API cannot set (an IP address and a port are needed)")]
    [InlineData("balance static-rr|server s1 10.0.0.1:80", "balance static-rr|server s1 10.0.0.1:80|server s2 10.0.0.2:80", "'backend b': server 's2' cannot be added at runtime: 'balance static-rr' is not a dynamic algorithm")]
    [InlineData("balance source|server s1 10.0.0.1:80", "balance source|server s1 10.0.0.1:80|server s2 10.0.0.2:80", "'backend b': server 's2' cannot be added at runtime: 'balance source' is not a dynamic algorithm without 'hash-type consistent'")]
    [InlineData("cookie C insert|server s1 10.0.0.1:80", "cookie C insert|server s1 10.0.0.1:80|server s2 10.0.0.2:80", "'backend b': server 's2' cannot be added at runtime: the backend uses cookie persistence")]
    [InlineData("default-server inter 1s|server s1 10.0.0.1:80", "default-server inter 1s|server s1 10.0.0.1:80|server s2 10.0.0.2:80", "'backend b': server 's2' cannot be added at runtime: a 'default-server' line applies, which runtime-added servers do not inherit")]
    [InlineData("server s1 10.0.0.1:80", "server s1 10.0.0.1:80|server s2 10.0.0.2:80 init-addr none", "'backend b': server 's2' cannot be added at runtime: 'init-addr' is refused by 'add server'")]
    [InlineData("server s1 10.0.0.1:80", "server s1 10.0.0.1:80|server s2 app.internal:80", "'backend b': server 's2' cannot be added at runtime: 'app.internal:80' is not an IP address and port")]
    [InlineData("server s1 10.0.0.1:80 weight 100", "server s1 10.0.0.1:80 weight 100 send-proxy-v2", "'backend b': server 's1' changed in more than its address and weight")]
    [InlineData("server s1 10.0.0.1:80 weight 100 send-proxy", "server s1 10.0.0.1:80 weight 100 send-proxy-v2", "'backend b': server 's1' changed in more than its address and weight")]
    [InlineData("option forwardfor|server s1 10.0.0.1:80 weight 100", "server s1 10.0.0.1:80 weight 100 send-proxy-v2", "'backend b' changed in more than its servers")]
    [InlineData("server s1 10.0.0.1:80 weight 100", "source 0.0.0.0 usesrc clientip|server s1 10.0.0.1:80 weight 100", "'backend b' changed in more than its servers")]
    public void Plan_ChangeTheRuntimeApiCannotMake_ReloadWithTheReason(string before, string after, string reason)
    {
        var plan = ApplyPlanner.Plan(Config(before.Split('|')), Config(after.Split('|')));

        Assert.Equal(ApplyMethod.Reload, plan.Method);
        Assert.Equal(reason, plan.ReloadReason);
    }

    [Fact]
    public void Plan_ServerWithProxyHeaderAdded_RuntimeAddKeepsTheKeyword()
    {
        var plan = ApplyPlanner.Plan(
            Config("server s1 10.0.0.1:80 weight 100 send-proxy-v2"),
            Config("server s1 10.0.0.1:80 weight 100 send-proxy-v2", "server s2 10.0.0.2:80 check inter 2s rise 2 fall 3 weight 100 send-proxy"));

        Assert.Equal(ApplyMethod.Runtime, plan.Method);
        Assert.Equal("add server b/s2 10.0.0.2:80 check inter 2s rise 2 fall 3 weight 100 send-proxy", ((AddServerOperation)Assert.Single(plan.Operations)).AddCommand);
    }

    [Fact]
    public void Plan_AcceptProxyAddedToTheBind_Reload()
    {
        var before = Config("server s1 10.0.0.1:80");

        var plan = ApplyPlanner.Plan(before, before.Replace("bind :80", "bind :80 accept-proxy", StringComparison.Ordinal));

        Assert.Equal(ApplyMethod.Reload, plan.Method);
        Assert.Equal("'frontend fe' changed", plan.ReloadReason);
    }

    [Fact]
    public void Plan_FrontendChanged_Reload()
    {
        var before = Config("server s1 10.0.0.1:80");

        var plan = ApplyPlanner.Plan(before, before.Replace("bind :80", "bind :81", StringComparison.Ordinal));

        Assert.Equal(ApplyMethod.Reload, plan.Method);
        Assert.Equal("'frontend fe' changed", plan.ReloadReason);
    }

    [Fact]
    public void Plan_HashBalanceWithConsistentHashing_AddsAtRuntime()
    {
        var before = Config("balance source", "hash-type consistent", "server s1 10.0.0.1:80 weight 100");
        var after = Config("balance source", "hash-type consistent", "server s1 10.0.0.1:80 weight 100", "server s2 10.0.0.2:80 weight 100");

        var plan = ApplyPlanner.Plan(before, after);

        Assert.Equal(ApplyMethod.Runtime, plan.Method);
        Assert.Equal(["add b/s2 10.0.0.2:80"], plan.Operations.Select(o => o.Describe()));
    }

    [Fact]
    public void Plan_BackendAdded_Reload()
    {
        var before = Config("server s1 10.0.0.1:80 weight 100");

        var plan = ApplyPlanner.Plan(before, before + "\nbackend c\n    server c1 10.0.0.5:80\n");

        Assert.Equal(ApplyMethod.Reload, plan.Method);
        Assert.Equal("sections were added, removed, renamed or reordered", plan.ReloadReason);
    }

    /// <summary>The backend lines of a config: those given, with "balance roundrobin" first unless one of them sets the balance.</summary>
    private static string Config(params string[] backendLines)
    {
        var lines = backendLines.Any(l => l.StartsWith("balance ", StringComparison.Ordinal)) ? backendLines : ["balance roundrobin", .. backendLines];
        return Head + "backend b\n" + string.Concat(lines.Select(l => "    " + l + "\n"));
    }
}
