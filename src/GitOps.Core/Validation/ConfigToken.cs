using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;

namespace GitOps.Core.Validation;

/// <summary>
/// The character rules for every value that can reach an HAProxy configuration. HAProxy splits
/// lines on whitespace, treats <c>#</c> as a comment, quotes with <c>"</c> and <c>'</c>,
/// escapes with <c>\</c> and expands <c>$</c> in quotes; none of those may appear, so a
/// value accepted here can never start a new line, directive or argument.
/// Every pattern ends in <c>\z</c>, not <c>$</c>: .NET's <c>$</c> also matches before a final
/// newline, which would let <c>"web\n"</c> through.
/// </summary>
public static partial class ConfigToken
{
    /// <summary>Service, host and server names: <c>[a-z0-9][a-z0-9-]*</c>, at most 63 characters.</summary>
    public static bool IsName(string? value) => value is not null && NameRegex().IsMatch(value);

    /// <summary>A DNS host name for routing, lowercase, optionally with a leading <c>*.</c> wildcard.</summary>
    public static bool IsHostName(string? value) => value is not null && value.Length <= 253 && HostNameRegex().IsMatch(value);

    /// <summary>A URL path prefix: starts with <c>/</c>, URL-safe characters only.</summary>
    public static bool IsUrlPath(string? value) => value is not null && value.Length <= 1024 && UrlPathRegex().IsMatch(value);

    /// <summary>An absolute file path made of safe characters (certificates).</summary>
    public static bool IsAbsoluteFilePath(string? value) => value is not null && value.Length <= 4096 && FilePathRegex().IsMatch(value) && !value.Contains("//", StringComparison.Ordinal);

    /// <summary>A user name or password for the stats page: printable ASCII without space, quotes, backslash, <c>#</c>, <c>$</c> or <c>:</c>.</summary>
    public static bool IsCredential(string? value) => value is not null && value.Length is > 0 and <= 128 && CredentialRegex().IsMatch(value);

    /// <summary>An IPv6 literal or a dotted-quad IPv4 literal (not the short forms like <c>10</c> or <c>10.1</c> that parsers also accept).</summary>
    public static bool IsIpAddress(string? value) =>
        value is not null && IpCharsRegex().IsMatch(value) && IPAddress.TryParse(value, out var address) &&
        (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || value.Count(c => c == '.') == 3);

    /// <summary>
    /// A Linux network interface name as the kernel allows it (<c>IFNAMSIZ</c> 16 with the NUL): 1–15 characters, no
    /// <c>/</c>, <c>:</c>, whitespace or quotes; here further restricted to <c>[A-Za-z0-9][A-Za-z0-9_.-]*</c>, which every
    /// usual name (<c>eth0</c>, <c>ens3</c>, <c>bond0.100</c>, <c>br-lan</c>) fits.
    /// </summary>
    public static bool IsInterfaceName([NotNullWhen(true)] string? value) => value is not null && InterfaceNameRegex().IsMatch(value);

    /// <summary>
    /// An address with its prefix length, <c>10.99.0.10/24</c> or <c>fd00::10/64</c>: a literal that passes
    /// <see cref="IsIpAddress"/>, a slash, and 1–32 (IPv4) or 1–128 (IPv6) written as plain digits.
    /// </summary>
    public static bool TryParseAddressWithPrefix([NotNullWhen(true)] string? value, [NotNullWhen(true)] out IPAddress? address, out int prefixLength)
    {
        address = null;
        prefixLength = 0;
        var slash = value?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (value is null || slash < 0 || !IsIpAddress(value[..slash]))
        {
            return false;
        }

        var prefix = value[(slash + 1)..];
        var parsed = IPAddress.Parse(value[..slash]);
        var maximum = parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        if (prefix.Length is 0 or > 3 || !prefix.All(char.IsAsciiDigit) || prefix[0] == '0')
        {
            return false;
        }

        var length = int.Parse(prefix, System.Globalization.CultureInfo.InvariantCulture);
        if (length > maximum)
        {
            return false;
        }

        address = parsed;
        prefixLength = length;
        return true;
    }

    /// <summary>A server address: an IP literal or a host name that cannot be mistaken for a number.</summary>
    public static bool IsAddress(string? value) =>
        IsIpAddress(value) || (IsHostName(value) && !value!.StartsWith('*') && value.Any(char.IsAsciiLetterLower));

    /// <summary>A label key or value used for matching (never rendered): no control characters and no Unicode line or paragraph separators.</summary>
    public static bool IsLabelText(string? value) => value is not null && value.Length <= 1024 && !value.Any(IsLineBreakOrControl);

    /// <summary>A cookie name for sticky sessions: an RFC 6265 token restricted to <c>[A-Za-z0-9_-]</c>, at most 64 characters.</summary>
    public static bool IsCookieName(string? value) => value is not null && CookieNameRegex().IsMatch(value);

    /// <summary>A TCP port number written as decimal digits only, 1–65535 (labels such as <c>lb.publish</c>).</summary>
    public static bool TryParsePort(string? value, out int port)
    {
        port = 0;
        if (value is null || value.Length is 0 or > 5 || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return IsPort(port);
    }

    /// <summary>A TCP port number, 1–65535.</summary>
    public static bool IsPort(int port) => port is > 0 and <= 65535;

    /// <summary>A Docker container or network name as the engine allows them: <c>[A-Za-z0-9][A-Za-z0-9_.-]*</c>, at most 255 characters.</summary>
    public static bool IsDockerName([NotNullWhen(true)] string? value) => value is not null && DockerNameRegex().IsMatch(value);

    /// <summary>A Docker object id: 1–64 lowercase hex digits.</summary>
    public static bool IsDockerId([NotNullWhen(true)] string? value) => value is not null && DockerIdRegex().IsMatch(value);

    /// <summary>
    /// Derives a valid <see cref="IsName"/> from arbitrary text (a container name): lowercased,
    /// every other character becomes <c>-</c>, runs of <c>-</c> collapse, leading <c>-</c> dropped,
    /// cut to 63 characters. Returns null when nothing usable is left.
    /// </summary>
    public static string? ToName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new System.Text.StringBuilder(Math.Min(value.Length, 63));
        foreach (var c in value)
        {
            if (builder.Length == 63)
            {
                break;
            }

            var lower = char.ToLowerInvariant(c);
            if (char.IsAsciiLetterLower(lower) || char.IsAsciiDigit(lower))
            {
                builder.Append(lower);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var name = builder.ToString();
        return IsName(name) ? name : null;
    }

    /// <summary>True when <paramref name="value"/> passes <see cref="EnsureSafeArgument"/>.</summary>
    public static bool IsSafeArgument([NotNullWhen(true)] string? value) => !string.IsNullOrEmpty(value) && SafeArgumentRegex().IsMatch(value);

    /// <summary>
    /// The renderer's last line of defence: throws when <paramref name="value"/> contains anything
    /// that could break out of one HAProxy argument. Validation should have rejected it before.
    /// </summary>
    public static string EnsureSafeArgument(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsSafeArgument(value))
        {
            throw new ArgumentException($"The value '{Printable(value)}' is not safe to place in an HAProxy configuration.", nameof(value));
        }

        return value;
    }

    /// <summary>Shows a value with control and line-break characters escaped, for error messages.</summary>
    public static string Printable(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var c in value.Length > 80 ? value[..80] + "…" : value)
        {
            builder.Append(IsLineBreakOrControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }

    private static bool IsLineBreakOrControl(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CookieNameRegex();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostNameRegex();

    [GeneratedRegex("^/[A-Za-z0-9._~/%:@!*+,;=&-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPathRegex();

    [GeneratedRegex("^(/[A-Za-z0-9._+@=,-]+)+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex FilePathRegex();

    [GeneratedRegex("^[A-Za-z0-9!%&()*+,./;<=>?@\\[\\]^_`{|}~-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialRegex();

    [GeneratedRegex("^[0-9a-fA-F.:]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IpCharsRegex();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DockerNameRegex();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex InterfaceNameRegex();

    [GeneratedRegex("^[0-9a-f]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DockerIdRegex();

    [GeneratedRegex("^[A-Za-z0-9!%&()*+,./:;<=>?@\\[\\]^_`{|}~-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeArgumentRegex();
}
