using System.Globalization;

namespace GitOps.EndToEnd.Tests.Support;

/// <summary>The services/*.yaml files the scenarios commit.</summary>
internal static class ServiceYaml
{
    /// <summary>An http service on <paramref name="port"/> with one static server at 127.0.0.1:<paramref name="serverPort"/>.</summary>
    public static string Static(string name, int port, int serverPort, string? host = null) => $$"""
        apiVersion: gitops/v1
        kind: Service
        name: {{name}}
        {{(host is null ? "" : $"hosts: [{host}]")}}
        listen: { port: {{Number(port)}}, mode: http }
        backend:
          servers:
            - { name: s1, address: 127.0.0.1:{{Number(serverPort)}} }
        """;

    /// <summary>An http service on <paramref name="port"/> whose servers are the containers labelled <c>app=<paramref name="app"/></c>, port 80.</summary>
    public static string Discovered(string name, int port, string app) => $$"""
        apiVersion: gitops/v1
        kind: Service
        name: {{name}}
        listen: { port: {{Number(port)}}, mode: http }
        backend:
          discover:
            labels: { app: {{app}} }
            port: 80
        """;

    /// <summary>
    /// An http service terminating TLS on <paramref name="port"/> with the PEM bundle at <paramref name="certificate"/> (named on
    /// line 8, column 18), no redirect, and one static server at 127.0.0.1:<paramref name="serverPort"/>.
    /// </summary>
    public static string Tls(string name, int port, int serverPort, string certificate) => $$"""
        apiVersion: gitops/v1
        kind: Service
        name: {{name}}
        listen:
          port: {{Number(port)}}
          mode: http
          tls:
            certificate: {{certificate}}
            redirectFrom: null
        backend:
          servers:
            - { name: s1, address: 127.0.0.1:{{Number(serverPort)}} }
        """;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
