using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Core.Validation;

namespace GitOps.Cli.Commands.Discover;

/// <summary>How <c>gitops discover</c> shows containers and changes, as text for people and JSON for tools.</summary>
internal static class DiscoveryOutput
{
    private static readonly string[] Headers = ["NAME", "ID", "STATE", "NETWORKS", "LABELS", "SEED LABELS"];

    /// <summary>One row per running container, then every label problem on its own line.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<ObservedContainer> containers)
    {
        if (containers.Count == 0)
        {
            output.WriteLine("No running containers.");
            return;
        }

        var rows = new List<string[]> { Headers };
        var problems = new List<Diagnostic>();
        foreach (var container in containers)
        {
            var check = LabelCheck.Check(container);
            problems.AddRange(check.Diagnostics);
            rows.Add([Show(container.Name), ShortId(container.Id), StateText(container), NetworksText(container), LabelsText(check.Container), SeedText(container)]);
        }

        var widths = Enumerable.Range(0, Headers.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
        }

        if (problems.Count > 0)
        {
            output.WriteLine();
            foreach (var problem in problems)
            {
                output.WriteLine(problem.ToString());
            }
        }
    }

    /// <summary>A JSON array of container objects (see <see cref="WriteContainer"/>).</summary>
    public static void WriteJsonArray(TextWriter output, IReadOnlyList<ObservedContainer> containers)
    {
        output.WriteLine(Json(writer =>
        {
            writer.WriteStartArray();
            foreach (var container in containers)
            {
                WriteContainer(writer, container);
            }

            writer.WriteEndArray();
        }, indented: true));
    }

    /// <summary>
    /// One line describing <paramref name="change"/>; <paramref name="known"/> are the containers as known after it
    /// (see <see cref="ObservedContainers"/>), so a health or address change can show the whole container.
    /// </summary>
    public static string ChangeLine(IDiscoveryEvent change, ObservedContainers known, DateTimeOffset time)
    {
        var stamp = time.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return change switch
        {
            DiscoveryResynced resynced => $"{stamp} resynced  {resynced.Snapshot.Count} running containers: {string.Join(", ", resynced.Snapshot.Select(c => Show(c.Name)))}",
            ContainerStarted started => $"{stamp} started   {Describe(started.ToObservedContainer())}",
            ContainerStopped { Signal: { } signal } stopped => $"{stamp} stopping  {Show(stopped.Name)} ({ShortId(stopped.ContainerId)}): {Show(signal)} sent, no new traffic",
            ContainerStopped stopped => $"{stamp} stopped   {Show(stopped.Name)} ({ShortId(stopped.ContainerId)}): no traffic",
            ContainerHealthChanged health => $"{stamp} health    {ShortId(health.ContainerId)} is {health.Health.ToString().ToLowerInvariant()}: {(health.Health is ContainerHealth.Healthy or ContainerHealth.None ? "routed" : "not routed")}",
            ContainerAddressChanged address when known.ById.TryGetValue(address.ContainerId, out var container) => $"{stamp} addresses {Describe(container)}",
            ContainerAddressChanged address => $"{stamp} addresses {ShortId(address.ContainerId)} {NetworksText(address.Networks)}",
            ContainerLabelRejected rejected => $"{stamp} rejected  {Show(rejected.Name)} ({ShortId(rejected.ContainerId)}): {string.Join(" | ", rejected.Diagnostics.Select(d => { var (code, message) = SplitDiagnostic(d); return $"{code}: {message}"; }))}",
            _ => $"{stamp} {ChangeName(change)}",
        };
    }

    /// <summary>One JSON object (a line) describing <paramref name="change"/>; <paramref name="known"/> as for <see cref="ChangeLine"/>.</summary>
    public static string ChangeJson(IDiscoveryEvent change, ObservedContainers known, DateTimeOffset time) => Json(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("time", time);
        writer.WriteString("change", ChangeName(change));
        writer.WriteString("host", change.Host);
        switch (change)
        {
            case DiscoveryResynced resynced:
                writer.WriteStartArray("containers");
                foreach (var container in resynced.Snapshot)
                {
                    WriteContainer(writer, container);
                }

                writer.WriteEndArray();
                break;
            case ContainerStarted started:
                writer.WritePropertyName("container");
                WriteContainer(writer, started.ToObservedContainer());
                break;
            case ContainerAddressChanged address when known.ById.TryGetValue(address.ContainerId, out var container):
                writer.WritePropertyName("container");
                WriteContainer(writer, container);
                break;
            case ContainerAddressChanged address:
                writer.WriteString("id", address.ContainerId);
                break;
            case ContainerStopped stopped:
                writer.WriteString("id", stopped.ContainerId);
                writer.WriteString("name", stopped.Name);
                if (stopped.Signal is { } signal)
                {
                    writer.WriteString("signal", signal);
                }

                break;
            case ContainerHealthChanged health:
                writer.WriteString("id", health.ContainerId);
                writer.WriteString("health", health.Health.ToString().ToLowerInvariant());
                break;
            case ContainerLabelRejected rejected:
                writer.WriteString("id", rejected.ContainerId);
                writer.WriteString("name", rejected.Name);
                WriteProblems(writer, rejected.Diagnostics.Select(SplitDiagnostic));
                break;
        }

        writer.WriteEndObject();
    }, indented: false);

    /// <summary>The name a change is shown under (the names <c>gitops discover --watch</c> has always printed).</summary>
    private static string ChangeName(IDiscoveryEvent change) => change switch
    {
        DiscoveryResynced => "Resynced",
        ContainerHealthChanged => "HealthChanged",
        ContainerAddressChanged => "AddressChanged",
        ContainerLabelRejected => "LabelRejected",
        _ => change.GetType().Name,
    };

    /// <summary>Code and message of a stored diagnostic line (<c>error GITOPSnnn: message</c>); the whole line as message when it has another form.</summary>
    private static (string Code, string Message) SplitDiagnostic(string line)
    {
        var codeStart = line.IndexOf("GITOPS", StringComparison.Ordinal);
        var codeEnd = codeStart < 0 ? -1 : line.IndexOf(": ", codeStart, StringComparison.Ordinal);
        return codeEnd < 0 ? ("", line) : (line[codeStart..codeEnd], line[(codeEnd + 2)..]);
    }

    /// <summary>
    /// <c>{id, name, state, health, routable, networks: [{network, ipAddress}], labels, seed: {publishPort, targetPort} | null, problems: [{code, message}]}</c>;
    /// labels are the usable ones (see <see cref="LabelCheck"/>).
    /// </summary>
    private static void WriteContainer(Utf8JsonWriter writer, ObservedContainer container)
    {
        var check = LabelCheck.Check(container);
        var seed = LabelConventions.ReadSeed(container, new List<Diagnostic>());
        writer.WriteStartObject();
        writer.WriteString("id", container.Id);
        writer.WriteString("name", container.Name);
        writer.WriteString("state", container.State);
        writer.WriteString("health", container.Health.ToString().ToLowerInvariant());
        writer.WriteBoolean("routable", container.IsRoutable);
        writer.WriteStartArray("networks");
        foreach (var network in container.Networks)
        {
            writer.WriteStartObject();
            writer.WriteString("network", network.Name);
            writer.WriteString("ipAddress", network.IPAddress);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("labels");
        foreach (var (key, value) in check.Container.Labels)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        if (seed is null)
        {
            writer.WriteNull("seed");
        }
        else
        {
            writer.WriteStartObject("seed");
            writer.WriteNumber("publishPort", seed.PublishPort);
            writer.WriteNumber("targetPort", seed.TargetPort);
            writer.WriteEndObject();
        }

        WriteProblems(writer, check.Diagnostics.Select(d => (d.Code, d.Message)));
        writer.WriteEndObject();
    }

    private static void WriteProblems(Utf8JsonWriter writer, IEnumerable<(string Code, string Message)> problems)
    {
        writer.WriteStartArray("problems");
        foreach (var (code, message) in problems)
        {
            writer.WriteStartObject();
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    // Relaxed escaping keeps quotes and apostrophes readable; the output is never embedded in HTML.
    private static string Json(Action<Utf8JsonWriter> write, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(ObservedContainer container) =>
        $"{Show(container.Name)} ({ShortId(container.Id)}) {StateText(container)} {NetworksText(container)}: {(container.IsRoutable ? "routed" : "not routed")}";

    private static string StateText(ObservedContainer container) => container.Health switch
    {
        ContainerHealth.None => container.State,
        ContainerHealth.Starting => $"{container.State}, health starting (not routed yet)",
        ContainerHealth.Unhealthy => $"{container.State}, unhealthy (not routed)",
        _ => $"{container.State}, healthy",
    };

    private static string NetworksText(ObservedContainer container) => NetworksText(container.Networks);

    private static string NetworksText(IReadOnlyCollection<ContainerNetwork> networks) =>
        networks.Count == 0 ? "(no address)" : string.Join(",", networks.Select(n => $"{n.Name}={n.IPAddress}"));

    /// <summary>The labels an operator debugging routing looks at: seed and Compose labels; the others are counted.</summary>
    private static string LabelsText(ObservedContainer container)
    {
        var shown = container.Labels.Where(l => IsRoutingLabel(l.Key)).Select(l => $"{Show(l.Key)}={Show(l.Value)}").ToList();
        var others = container.Labels.Count - shown.Count;
        if (others > 0)
        {
            shown.Add($"+{others} more");
        }

        return shown.Count == 0 ? "-" : string.Join(" ", shown);
    }

    private static string SeedText(ObservedContainer container)
    {
        var problems = new List<Diagnostic>();
        return LabelConventions.ReadSeed(container, problems) is { } seed
            ? $"serves :{seed.PublishPort} -> container :{seed.TargetPort}"
            : problems.Count > 0 ? "REJECTED, not served (see below)" : "-";
    }

    private static bool IsRoutingLabel(string key) =>
        LabelConventions.IsSeedLabel(key) || key is LabelConventions.ComposeProjectLabel or LabelConventions.ComposeServiceLabel;

    private static string ShortId(string id) => id[..Math.Min(12, id.Length)];

    /// <summary>Text from a container, printable and cut to a sane length.</summary>
    private static string Show(string value) => ConfigToken.Printable(value);
}
