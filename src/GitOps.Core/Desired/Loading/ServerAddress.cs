using System.Globalization;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading;

/// <summary>Splits a static server's <c>host:port</c>, <c>ipv4:port</c> or <c>[ipv6]:port</c> and checks each part with <see cref="ConfigToken"/>.</summary>
internal static class ServerAddress
{
    public static bool TryParse(string text, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var portText = text.AsSpan(colon + 1);
        if (portText.Length is 0 or > 5 || portText.ContainsAnyExceptInRange('0', '9') ||
            !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        var hostText = text[..colon];
        if (hostText.StartsWith('[') && hostText.EndsWith(']'))
        {
            host = hostText[1..^1];
            return host.Contains(':', StringComparison.Ordinal) && ConfigToken.IsIpAddress(host);
        }

        host = hostText;
        return !host.Contains(':', StringComparison.Ordinal) && ConfigToken.IsAddress(host);
    }
}
