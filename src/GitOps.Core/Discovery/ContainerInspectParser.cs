using System.Text.Json;
using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;

namespace GitOps.Core.Discovery;

/// <summary>
/// Reads the document Docker's <c>GET /containers/{id}/json</c> (<c>docker inspect</c>) returns into an
/// <see cref="ObservedContainer"/>, with the same rules as <see cref="ContainerListParser"/>. Never throws on
/// bad input: a document missing what routing needs yields null and an error diagnostic.
/// </summary>
public static class ContainerInspectParser
{
    /// <summary>Parses <paramref name="inspected"/>; problems are added to <paramref name="diagnostics"/>.</summary>
    public static ObservedContainer? Parse(JsonElement inspected, ICollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var found = new List<Diagnostic>();
        void Error(string message) => found.Add(new Diagnostic(DiscoveryDiagnostics.InvalidContainer, message, null));

        try
        {
            if (inspected.ValueKind != JsonValueKind.Object)
            {
                Error($"the inspect document is a JSON {inspected.ValueKind.ToString().ToLowerInvariant()}, expected an object");
                return null;
            }

            var id = ContainerListParser.GetString(inspected, "Id");
            if (!ConfigToken.IsDockerId(id))
            {
                Error("the inspect document has no \"Id\" that is a lowercase hex container id");
                return null;
            }

            var what = $"container {id[..Math.Min(12, id.Length)]}";
            var name = ContainerListParser.GetString(inspected, "Name")?.TrimStart('/');
            if (!ConfigToken.IsDockerName(name))
            {
                Error($"{what}: \"Name\" is missing or not a valid container name");
                return null;
            }

            what = $"{what} '{name}'";
            if (!inspected.TryGetProperty("State", out var state) || state.ValueKind != JsonValueKind.Object)
            {
                Error($"{what}: \"State\" is missing or not an object");
                return null;
            }

            var status = ContainerListParser.GetString(state, "Status");
            if (string.IsNullOrEmpty(status) || !ConfigToken.IsLabelText(status))
            {
                Error($"{what}: \"State.Status\" is missing; expected running, exited, …");
                return null;
            }

            var config = inspected.TryGetProperty("Config", out var configElement) && configElement.ValueKind == JsonValueKind.Object ? configElement : default;
            var labels = config.ValueKind == JsonValueKind.Object ? ContainerListParser.ReadLabels(config) : Collections.ValueMap.Empty;
            if (labels is null)
            {
                Error($"{what}: \"Config.Labels\" must be an object of string values");
                return null;
            }

            return new ObservedContainer
            {
                Id = id,
                Name = name,
                State = status,
                Health = ReadHealth(state),
                Labels = labels.Value,
                Networks = ContainerListParser.ReadNetworks(inspected, what, null, found),
            };
        }
        finally
        {
            foreach (var diagnostic in found)
            {
                diagnostics.Add(diagnostic);
            }
        }
    }

    private static ContainerHealth ReadHealth(JsonElement state) =>
        state.TryGetProperty("Health", out var health) && health.ValueKind == JsonValueKind.Object
            ? ParseHealthStatus(ContainerListParser.GetString(health, "Status"))
            : ContainerHealth.None;

    /// <summary>Maps Docker's health status word (<c>starting</c>, <c>healthy</c>, <c>unhealthy</c>; also the suffix of a <c>health_status: …</c> event).</summary>
    public static ContainerHealth ParseHealthStatus(string? status) => status switch
    {
        "starting" => ContainerHealth.Starting,
        "healthy" => ContainerHealth.Healthy,
        "unhealthy" => ContainerHealth.Unhealthy,
        _ => ContainerHealth.None,
    };
}
