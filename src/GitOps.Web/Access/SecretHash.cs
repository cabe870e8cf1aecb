using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GitOps.Web.Access;

/// <summary>
/// How the users file holds secrets: a password as <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> (base64,
/// PBKDF2 with HMAC-SHA256, 600,000 iterations, as OWASP advises), an API token (random, so one SHA-256 is enough) as
/// <c>sha256$&lt;hex&gt;</c>. Checks compare in constant time.
/// </summary>
public static class SecretHash
{
    public const int Iterations = 600_000;
    private const string PasswordScheme = "pbkdf2-sha256";
    private const string TokenScheme = "sha256";

    /// <summary>The hash of <paramref name="password"/> with a new random salt.</summary>
    public static string HashPassword(string password, int iterations = Iterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{PasswordScheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>A new random API token (256 bits, hex) and its hash for the users file.</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (token, TokenScheme + "$" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
    }

    /// <summary>Whether <paramref name="hash"/> is written the way this class writes hashes; null when it is, else why not.</summary>
    public static string? Problem(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var parts = hash.Split('$');
        if (parts[0] == TokenScheme)
        {
            return parts.Length == 2 && parts[1].Length == 64 && parts[1].All(char.IsAsciiHexDigitLower) ? null : "a token hash is sha256$<64 lowercase hex digits>";
        }

        if (parts[0] != PasswordScheme)
        {
            return $"the hash must start with {PasswordScheme}$ (a password) or {TokenScheme}$ (a token); make one with `gitops dashboard-user`";
        }

        return parts.Length == 4 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations >= 100_000
            && IsBase64(parts[2], 16) && IsBase64(parts[3], 32)
                ? null
                : "a password hash is pbkdf2-sha256$<iterations, at least 100000>$<16-byte salt, base64>$<32-byte hash, base64>";
    }

    /// <summary>Whether <paramref name="secret"/> (a password or a token) matches <paramref name="hash"/>, which passed <see cref="Problem"/>.</summary>
    public static bool Matches(string secret, string hash)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(hash);
        var parts = hash.Split('$');
        if (parts[0] == TokenScheme)
        {
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), Convert.FromHexString(parts[1]));
        }

        var iterations = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether <paramref name="hash"/> holds a token rather than a password.</summary>
    public static bool IsToken(string hash) => hash.StartsWith(TokenScheme + "$", StringComparison.Ordinal);

    private static bool IsBase64(string text, int bytes)
    {
        var buffer = new byte[bytes + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) && written == bytes;
    }
}
