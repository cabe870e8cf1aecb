using GitOps.Core.Text;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// Event ids derived from what an event records, so that recording the same outcome again (a retried append whose
/// answer was lost, a restarted agent finishing what its predecessor did) stores nothing new.
/// </summary>
internal static class AgentEventIds
{
    /// <summary>A version-8 (name-based, RFC 9562) GUID from the SHA-256 of <paramref name="parts"/>.</summary>
    public static Guid From(params IEnumerable<string> parts) => ContentHash.NameBasedGuid(string.Join('\n', parts));
}
