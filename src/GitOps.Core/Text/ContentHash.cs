using System.Security.Cryptography;
using System.Text;

namespace GitOps.Core.Text;

/// <summary>
/// The hashes the system records and compares: the SHA-256 of a configuration text (written by the
/// controller, checked by the agent, so both must compute it the same way) and name-based ids.
/// </summary>
public static class ContentHash
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A version-8 (name-based, RFC 9562) GUID from the first 16 bytes of the SHA-256 of <paramref name="name"/>.</summary>
    public static Guid NameBasedGuid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
