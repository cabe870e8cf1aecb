using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GitOps.Docker.Client;

/// <summary>Which events <see cref="DockerClient.SubscribeEventsAsync"/> asks for.</summary>
public sealed record DockerEventsQuery
{
    /// <summary>Replay the events the engine still holds from this time on (inclusive); none when null, only new ones.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>End the stream once the engine's clock passes this time; the stream is endless when null.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Docker's filters by name, e.g. <c>type</c> → <c>container</c>, <c>network</c>; an event passes when it matches one value of every filter.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The query string, e.g. <c>?since=1700000000.000000000&amp;filters=…</c>.</summary>
    internal string ToQueryString()
    {
        var parts = new List<string>();
        if (Since is { } since)
        {
            parts.Add("since=" + Timestamp(since));
        }

        if (Until is { } until)
        {
            parts.Add("until=" + Timestamp(until));
        }

        if (Filters.Count > 0)
        {
            // The engine's canonical filter form: {"name": {"value": true}}.
            var filters = Filters.ToDictionary(f => f.Key, f => f.Value.ToDictionary(v => v, _ => true, StringComparer.Ordinal), StringComparer.Ordinal);
            parts.Add("filters=" + Uri.EscapeDataString(JsonSerializer.Serialize(filters)));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>Seconds since the epoch with nine decimals, the form the engine parses exactly.</summary>
    private static string Timestamp(DateTimeOffset time)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return new StringBuilder().Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('.').Append((remainder * 100).ToString("D9", CultureInfo.InvariantCulture)).ToString();
    }
}
