using System.Globalization;
using System.Net;
using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>
/// A <c>server &lt;name&gt; &lt;address&gt;:&lt;port&gt; [args…]</c> line, split into its parts.
/// </summary>
/// <param name="Name">The server's name, unique in its proxy.</param>
/// <param name="Endpoint">The address word as written (<c>10.0.0.1:80</c>, <c>[::1]:80</c>, <c>app:80</c>).</param>
/// <param name="Address">The address part without brackets, or null when the word cannot be split.</param>
/// <param name="Port">The port, or null when absent or not a plain number.</param>
/// <param name="Arguments">Everything after the address, as words.</param>
internal sealed record ServerLine(string Name, string Endpoint, string? Address, int? Port, ValueList<string> Arguments)
{
    /// <summary>True when <see cref="Address"/> is an IP literal (the runtime API cannot resolve names).</summary>
    public bool HasIpAddress => Address is not null && IPAddress.TryParse(Address, out _);

    /// <summary>The <c>weight</c> argument, or HAProxy's default 1.</summary>
    public int Weight
    {
        get
        {
            var index = Arguments.ToList().LastIndexOf("weight");
            return index >= 0 && index + 1 < Arguments.Count
                && int.TryParse(Arguments[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight)
                ? weight
                : 1;
        }
    }

    /// <summary>The arguments without any <c>weight N</c> pair: equal for two lines that differ only in weight.</summary>
    public ValueList<string> ArgumentsWithoutWeight
    {
        get
        {
            var result = new List<string>(Arguments.Count);
            for (var i = 0; i < Arguments.Count; i++)
            {
                if (Arguments[i] == "weight" && i + 1 < Arguments.Count)
                {
                    i++;
                    continue;
                }

                result.Add(Arguments[i]);
            }

            return result.ToValueList();
        }
    }

    public bool HasArgument(string keyword) => Arguments.Contains(keyword);

    /// <summary>Parses the words of a <c>server</c> line.</summary>
    /// <exception cref="FormatException">The line has no name or address.</exception>
    public static ServerLine Parse(ValueList<string> words)
    {
        if (words.Count < 3 || words[0] != "server")
        {
            throw new FormatException($"Not a server line: '{string.Join(' ', words)}'.");
        }

        var endpoint = words[2];
        var (address, port) = SplitEndpoint(endpoint);
        return new ServerLine(words[1], endpoint, address, port, words.Skip(3).ToValueList());
    }

    private static (string? Address, int? Port) SplitEndpoint(string endpoint)
    {
        string address;
        string portText;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return (null, null);
            }

            address = endpoint[1..close];
            portText = endpoint[(close + 2)..];
        }
        else
        {
            var colon = endpoint.LastIndexOf(':');
            if (colon <= 0 || endpoint.Contains('@', StringComparison.Ordinal))
            {
                return (null, null);
            }

            address = endpoint[..colon];
            portText = endpoint[(colon + 1)..];
        }

        return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? (address, port)
            : (address, null);
    }
}
