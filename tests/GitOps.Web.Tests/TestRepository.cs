namespace GitOps.Web.Tests;

/// <summary>The desired state the dashboard's tests commit: one service, web, on port 18080 with static servers.</summary>
internal static class TestRepository
{
    /// <summary>services/web.yaml balancing with <paramref name="balance"/> over <paramref name="servers"/> static servers on 127.0.0.1:18081 and up.</summary>
    public static string Service(string balance, int servers = 2) => $$"""
        apiVersion: gitops/v1
        kind: Service
        name: web
        listen: { port: 18080, mode: http }
        routes:
          - { host: web.example.com }
        backend:
          balance: {{balance}}
          servers:

        """ + string.Concat(Enumerable.Range(1, servers).Select(i => $"    - {{ name: s{i}, address: 127.0.0.1:{18080 + i} }}\n"));
}
