using GitOps.Testing.Git;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>Desired-state files for the controller tests: two hosts and a web service whose servers are containers labelled app=web.</summary>
internal static class DesiredRepo
{
    public const string Settings = """
        apiVersion: gitops/v1
        kind: Settings
        hosts:
          - name: lb1
          - name: lb2
        """;

    public static string Web(int port = 8080, string balance = "roundrobin") => $$"""
        apiVersion: gitops/v1
        kind: Service
        name: web
        listen: { port: {{port}}, mode: http }
        backend:
          balance: {{balance}}
          discover:
            labels: { app: web }
            port: 80
          servers:
            - { name: legacy, address: 192.0.2.10:8080 }
        """;

    /// <summary>Writes the settings and the web service and commits them; returns the commit.</summary>
    public static Task<string> CommitInitialAsync(GitRepoBuilder git, int port = 8080)
    {
        git.WriteFile("gitops.yaml", Settings).WriteFile("services/web.yaml", Web(port));
        return git.CommitAsync("add web");
    }
}
