using System.Text.Json;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;

namespace GitOps.EndToEnd.Tests.Support;

/// <summary>Reads a store the processes under test write, to check what they recorded.</summary>
internal static class StoreProbe
{
    /// <summary>The number of events of each of <paramref name="streams"/>.</summary>
    public static async Task<Dictionary<string, long>> CountsAsync(string connectionString, params string[] streams)
    {
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = connectionString });
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var stream in streams)
        {
            counts[stream] = await store.StreamVersionAsync(stream, CancellationToken.None);
        }

        return counts;
    }

    /// <summary>The ConfigApplied events of <paramref name="host"/> recorded more than once for the same version and rollback request.</summary>
    public static async Task<List<string>> DuplicateAppliesAsync(string connectionString, string host)
    {
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = connectionString });
        var keys = new List<string>();
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Applied(host)))
        {
            if (recorded.Data is ConfigApplied applied)
            {
                keys.Add($"v{applied.Version}/{applied.RollbackRequestId}");
            }
        }

        return keys.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
    }

    /// <summary><c>gitops history --format json</c> parsed: (version, sha256, method, result, subject) of each rendered version, newest first.</summary>
    public static List<(long Version, string Sha256, string? Method, string? Result, string Subject)> History(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "render")
            .Select(e => (
                e.GetProperty("version").GetInt64(),
                e.GetProperty("sha256").GetString()!,
                e.GetProperty("method").GetString(),
                e.GetProperty("result").GetString(),
                e.GetProperty("subject").GetString()!))
            .ToList();
    }
}
