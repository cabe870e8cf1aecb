using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>
/// Decides how to go from the applied configuration text to a new one: runtime API commands when
/// only <c>server</c> lines of backends changed and each change is one the runtime API makes
/// exactly as a reload would; a reload for anything else.
/// </summary>
internal static class ApplyPlanner
{
    /// <summary>Algorithms that accept <c>add server</c> whatever the <c>hash-type</c>.</summary>
    private static readonly HashSet<string> DynamicAlgorithms = new(StringComparer.Ordinal) { "roundrobin", "leastconn", "first", "random" };

    /// <summary>Server keywords <c>add server</c> refuses in HAProxy 2.6.</summary>
    private static readonly HashSet<string> StaticOnlyServerKeywords = new(StringComparer.Ordinal)
    {
        "cookie", "init-addr", "resolvers", "resolve-prefer", "resolve-net", "resolve-opts",
    };

    public static ApplyPlan Plan(string appliedText, string newText)
    {
        ArgumentNullException.ThrowIfNull(appliedText);
        ArgumentNullException.ThrowIfNull(newText);
        if (string.Equals(appliedText, newText, StringComparison.Ordinal))
        {
            return ApplyPlan.Nothing;
        }

        var applied = HAProxyConfigDocument.Parse(appliedText);
        var next = HAProxyConfigDocument.Parse(newText);
        if (applied.Sections.Count != next.Sections.Count
            || applied.Sections.Zip(next.Sections).Any(p => p.First.Keyword != p.Second.Keyword || p.First.Header != p.Second.Header))
        {
            return ApplyPlan.Reload("sections were added, removed, renamed or reordered");
        }

        var adds = new List<RuntimeOperation>();
        var changes = new List<RuntimeOperation>();
        var removes = new List<RuntimeOperation>();
        foreach (var (before, after) in applied.Sections.Zip(next.Sections))
        {
            if (before == after)
            {
                continue;
            }

            if (!after.IsProxyWithServers)
            {
                return ApplyPlan.Reload($"'{after.Title}' changed");
            }

            if (!before.OtherLines.SequenceEqual(after.OtherLines))
            {
                return ApplyPlan.Reload($"'{after.Title}' changed in more than its servers");
            }

            var reason = PlanServers(next, after, before.Servers.ToList(), after.Servers.ToList(), adds, changes, removes);
            if (reason is not null)
            {
                return ApplyPlan.Reload($"'{after.Title}': {reason}");
            }
        }

        // Added first so capacity exists before any is taken away; removals drain last.
        return new ApplyPlan(ApplyMethod.Runtime, adds.Concat(changes).Concat(removes).ToValueList(), null);
    }

    /// <summary>Adds the server operations of one proxy; returns why a reload is needed instead, or null.</summary>
    private static string? PlanServers(
        HAProxyConfigDocument document,
        ConfigSection proxy,
        List<ServerLine> before,
        List<ServerLine> after,
        List<RuntimeOperation> adds,
        List<RuntimeOperation> changes,
        List<RuntimeOperation> removes)
    {
        if (before.DistinctBy(s => s.Name).Count() != before.Count || after.DistinctBy(s => s.Name).Count() != after.Count)
        {
            return "duplicate server names";
        }

        var old = before.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var current = after.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var server in before.Where(s => !current.ContainsKey(s.Name)))
        {
            removes.Add(new RemoveServerOperation(proxy.Name, server.Name));
        }

        foreach (var server in after)
        {
            if (!old.TryGetValue(server.Name, out var previous))
            {
                if (CannotAddAtRuntime(document, proxy, server) is { } refusal)
                {
                    return $"server '{server.Name}' cannot be added at runtime: {refusal}";
                }

                adds.Add(new AddServerOperation(proxy.Name, server));
                continue;
            }

            if (previous == server)
            {
                continue;
            }

            if (previous.ArgumentsWithoutWeight != server.ArgumentsWithoutWeight)
            {
                return $"server '{server.Name}' changed in more than its address and weight";
            }

            if (previous.Endpoint != server.Endpoint)
            {
                if (!server.HasIpAddress || server.Port is not { } port || !previous.HasIpAddress)
                {
                    return $"server '{server.Name}' moved to '{server.Endpoint}', which the runtime API cannot set (an IP address and a port are needed)";
                }

                changes.Add(new SetServerAddressOperation(proxy.Name, server.Name, server.Address!, port));
            }

            if (previous.Weight != server.Weight)
            {
                changes.Add(new SetServerWeightOperation(proxy.Name, server.Name, server.Weight));
            }
        }

        return null;
    }

    /// <summary>Why <c>add server</c> would refuse the server or build it differently from a reload, or null.</summary>
    private static string? CannotAddAtRuntime(HAProxyConfigDocument document, ConfigSection proxy, ServerLine server)
    {
        var defaults = document.DefaultsOf(proxy);
        ValueList<string>? Setting(string keyword) => proxy.Directive(keyword) ?? defaults?.Directive(keyword);

        if (proxy.Directive("cookie") is not null || defaults?.Directive("cookie") is not null)
        {
            return "the backend uses cookie persistence";
        }

        if (proxy.Directive("default-server") is not null || defaults?.Directive("default-server") is not null)
        {
            return "a 'default-server' line applies, which runtime-added servers do not inherit";
        }

        var balance = Setting("balance") is { Count: > 0 } words ? words[0] : "roundrobin";
        var consistent = Setting("hash-type") is { Count: > 0 } hash && hash[0] == "consistent";
        if (!DynamicAlgorithms.Contains(balance) && !(balance != "static-rr" && consistent))
        {
            return $"'balance {balance}' is not a dynamic algorithm{(balance == "static-rr" ? "" : " without 'hash-type consistent'")}";
        }

        if (!server.HasIpAddress || server.Port is null)
        {
            return $"'{server.Endpoint}' is not an IP address and port";
        }

        if (server.Arguments.FirstOrDefault(StaticOnlyServerKeywords.Contains) is { } keyword)
        {
            return $"'{keyword}' is refused by 'add server'";
        }

        if (server.Arguments.Any(a => a.AsSpan().IndexOfAny("\"'\\") >= 0))
        {
            return "its arguments are quoted";
        }

        return null;
    }
}
