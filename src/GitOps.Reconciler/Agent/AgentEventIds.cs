using System.Security.Cryptography;
using System.Text;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// Event ids derived from what an event records, so that recording the same outcome again (a retried append whose
/// answer was lost, a restarted agent finishing what its predecessor did) stores nothing new.
/// </summary>
internal static class AgentEventIds
{
    /// <summary>A version-8 (name-based, RFC 9562) GUID from the SHA-256 of <paramref name="parts"/>.</summary>
    public static Guid From(params IEnumerable<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
