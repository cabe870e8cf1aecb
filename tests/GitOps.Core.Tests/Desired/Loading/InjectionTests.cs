using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary>
/// Every string that can reach the HAProxy configuration rejects anything that could end an
/// argument, a line or a directive, with an error at the offending line.
/// </summary>
public sealed class InjectionTests
{
    /// <summary>YAML double-quoted escapes of hostile text: newline, CR, comment, quotes, backslash, expansion, space, tab, U+2028.</summary>
    public static readonly string[] Hostile = [@"\n", @"\r", "#", @"\""", "'", @"\\", "${VAR}", " ", @"\t", @"\u2028", @"\u0085"];

    /// <summary>Label selectors are matched, never rendered: only line breaks and control characters are refused.</summary>
    public static readonly string[] HostileToLabels = [@"\n", @"\r", @"\t", @"\u2028", @"\u2029", @"\u0000"];

    private const string ServiceTemplate = """
        apiVersion: gitops/v1
        kind: Service
        name: "{name}"
        hosts: ["{host}"]
        listen:
          port: 443
          mode: http
          tls: { certificate: "{certificate}" }
        routes:
          - host: "{routeHost}"
            path: "{routePath}"
        backend:
          discover:
            labels: { "{labelKey}": "{labelValue}" }
            compose: { project: "{project}" }
            port: 80
            network: "{network}"
          servers:
            - name: "{server}"
              address: "{address}"
          health: { path: "{healthPath}", interval: "{interval}" }
          sticky: { mode: cookie, cookie: "{cookie}" }
        """;

    private const string SettingsTemplate = """
        apiVersion: gitops/v1
        kind: Settings
        hosts:
          - name: "{host}"
        defaults:
          timeouts: { connect: "{connect}" }
        stats:
          bind: "{bind}"
          path: "{statsPath}"
          user: "{user}"
          password: "{password}"
          prometheusPath: "{metricsPath}"
        discovery:
          network: "{defaultNetwork}"
        """;

    /// <summary>Placeholder → (valid prefix, valid suffix): the hostile text is put between them.</summary>
    private static readonly Dictionary<string, (string Before, string After)> ServiceFields = new()
    {
        ["name"] = ("web", ""),
        ["host"] = ("local", ""),
        ["certificate"] = ("/etc/gitops/x", ".pem"),
        ["routeHost"] = ("www", ".example.com"),
        ["routePath"] = ("/api", ""),
        ["network"] = ("bridge", ""),
        ["server"] = ("s1", ""),
        ["address"] = ("db", ".example:5432"),
        ["healthPath"] = ("/healthz", ""),
        ["interval"] = ("2s", ""),
        ["cookie"] = ("SRV", ""),
        ["labelKey"] = ("app", ""),
        ["labelValue"] = ("web", ""),
        ["project"] = ("shop", ""),
    };

    private static readonly Dictionary<string, (string Before, string After)> SettingsFields = new()
    {
        ["host"] = ("local", ""),
        ["connect"] = ("5s", ""),
        ["bind"] = ("127.0.0.1", ""),
        ["statsPath"] = ("/stats", ""),
        ["user"] = ("admin", ""),
        ["password"] = ("secret", ""),
        ["metricsPath"] = ("/metrics", ""),
        ["defaultNetwork"] = ("bridge", ""),
    };

    public static TheoryData<string, string, string> ServiceCases() => Cases(ServiceFields, "services/web.yaml");

    public static TheoryData<string, string, string> SettingsCases() => Cases(SettingsFields, "gitops.yaml");

    [Fact]
    public void Templates_WithValidValues_Load()
    {
        var result = DesiredStateLoader.Load([Fill("gitops.yaml", SettingsTemplate, SettingsFields, null, null), Fill("services/web.yaml", ServiceTemplate, ServiceFields, null, null)]);

        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [MemberData(nameof(ServiceCases))]
    [MemberData(nameof(SettingsCases))]
    public void Load_HostileTextInAStringField_IsRejectedAtThatLine(string file, string field, string hostile)
    {
        var files = new[]
        {
            Fill("gitops.yaml", SettingsTemplate, SettingsFields, file == "gitops.yaml" ? field : null, hostile),
            Fill("services/web.yaml", ServiceTemplate, ServiceFields, file == "services/web.yaml" ? field : null, hostile),
        };
        var template = file == "gitops.yaml" ? SettingsTemplate : ServiceTemplate;
        var line = Array.FindIndex(template.Split('\n'), l => l.Contains($"{{{field}}}", StringComparison.Ordinal)) + 1;

        var result = DesiredStateLoader.Load(files);

        Assert.Null(result.State);
        Assert.Contains(result.Errors, d => d.Location?.File == file && d.Location.Line == line);
    }

    private static TheoryData<string, string, string> Cases(Dictionary<string, (string, string)> fields, string file)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var field in fields.Keys)
        {
            foreach (var hostile in field.StartsWith("label", StringComparison.Ordinal) || field == "project" ? HostileToLabels : Hostile)
            {
                data.Add(file, field, hostile);
            }
        }

        return data;
    }

    private static RepositoryFile Fill(string path, string template, Dictionary<string, (string Before, string After)> fields, string? hostileField, string? hostile)
    {
        var text = template;
        foreach (var (field, (before, after)) in fields)
        {
            text = text.Replace($"{{{field}}}", field == hostileField ? before + hostile + after : before + after, StringComparison.Ordinal);
        }

        return new RepositoryFile(path, text);
    }
}
