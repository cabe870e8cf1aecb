using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GitOps.Core.Validation;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// Tells, without running <c>haproxy -c</c>, that a configuration is as valid as one it accepted: when the two differ
/// only in the <c>server</c> lines of backends (containers came and went), and every server line not in the accepted
/// text has the shape of one of the same backend's lines there. Everything else (a new backend's first server, a host
/// name instead of an IP literal, a changed option, any other line) is left to <c>haproxy -c</c>.
/// </summary>
/// <remarks>
/// A server line's shape is its keywords and options with the server's name, address, port, weight and trailing comment
/// left out; those must be a valid name unique in its backend, an IPv4 or IPv6 literal, a port 1–65535, a weight
/// 0–256, and a <c>cookie</c> value equal to the name. Removing server lines needs no check: nothing in a rendered
/// configuration refers to a server by name but its own <c>cookie</c>. The agent's own <c>haproxy -c</c> (or HAProxy's
/// runtime API, which checks <c>add server</c>) still stands between a text and a running HAProxy.
/// </remarks>
public static class ServerLineChanges
{
    private const string ServerPrefix = "    server ";

    /// <summary>Whether <paramref name="candidate"/> differs from <paramref name="accepted"/> (a text <c>haproxy -c</c> accepted) only in server lines shaped like accepted ones.</summary>
    public static bool AcceptedLike(string accepted, string candidate) => Of(accepted).Allows(candidate);

    /// <summary><paramref name="accepted"/>, a text <c>haproxy -c</c> accepted, read once to judge many candidates against.</summary>
    public static Accepted Of(string accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        return new Accepted(accepted);
    }

    /// <summary>
    /// The SHA-256 (hex) of <paramref name="text"/>'s lines other than server lines: texts that may differ in servers
    /// alone have the same one.
    /// </summary>
    public static string HashOfLinesButServers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> newline = [(byte)'\n'];
        var lines = text.AsSpan().Split('\n');
        while (NextOtherThanServer(text, ref lines, out var line))
        {
            hash.AppendData(MemoryMarshal.AsBytes(line));
            hash.AppendData(newline);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Whether the two texts' lines other than server lines are the same, in the same order; stops at the first difference.
    /// Lines end at <c>\n</c> alone, as HAProxy reads them.
    /// </summary>
    private static bool SameLinesButServers(string first, string second)
    {
        var a = first.AsSpan().Split('\n');
        var b = second.AsSpan().Split('\n');
        while (true)
        {
            var hasA = NextOtherThanServer(first, ref a, out var lineA);
            var hasB = NextOtherThanServer(second, ref b, out var lineB);
            if (hasA != hasB || (hasA && !lineA.SequenceEqual(lineB)))
            {
                return false;
            }

            if (!hasA)
            {
                return true;
            }
        }
    }

    private static bool NextOtherThanServer(string text, ref MemoryExtensions.SpanSplitEnumerator<char> lines, out ReadOnlySpan<char> line)
    {
        while (lines.MoveNext())
        {
            var current = text.AsSpan()[lines.Current];
            if (!current.StartsWith(ServerPrefix, StringComparison.Ordinal))
            {
                line = current;
                return true;
            }
        }

        line = default;
        return false;
    }

    /// <summary>A text <c>haproxy -c</c> accepted; its server lines are read on the first candidate that needs them.</summary>
    public sealed class Accepted
    {
        private readonly string text;
        private readonly Lazy<Dictionary<string, (HashSet<string> Lines, HashSet<string> Shapes)>?> backends;

        internal Accepted(string text)
        {
            this.text = text;
            backends = new Lazy<Dictionary<string, (HashSet<string>, HashSet<string>)>?>(
                () => Parsed.From(text)?.Servers.ToDictionary(
                    p => p.Key,
                    p => (p.Value.Select(s => s.Directive).ToHashSet(StringComparer.Ordinal), p.Value.Select(s => s.Shape).OfType<string>().ToHashSet(StringComparer.Ordinal)),
                    StringComparer.Ordinal));
        }

        /// <summary>Whether <paramref name="candidate"/> differs from this text only in server lines shaped like its own.</summary>
        public bool Allows(string candidate)
        {
            ArgumentNullException.ThrowIfNull(candidate);
            if (!SameLinesButServers(text, candidate) || backends.Value is not { } known || Parsed.From(candidate) is not { } after)
            {
                return false;
            }

            foreach (var (backend, servers) in after.Servers)
            {
                var (knownLines, knownShapes) = known.GetValueOrDefault(backend, ([], []));
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var server in servers)
                {
                    if (!names.Add(server.Name))
                    {
                        return false;
                    }

                    if (!knownLines.Contains(server.Directive) && (server.Shape is null || !knownShapes.Contains(server.Shape)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    /// <summary>Each backend's server lines.</summary>
    private sealed class Parsed
    {
        public Dictionary<string, List<ServerLine>> Servers { get; } = new(StringComparer.Ordinal);

        /// <summary>Null when a server line stands outside a backend or cannot be read as one.</summary>
        public static Parsed? From(string text)
        {
            var parsed = new Parsed();
            var span = text.AsSpan();
            string? section = null;
            foreach (var range in span.Split('\n'))
            {
                var line = span[range];
                if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] != '#')
                {
                    section = line.ToString();
                }

                if (!line.StartsWith(ServerPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (section is null || !section.StartsWith("backend ", StringComparison.Ordinal) || ServerLine.Parse(line.ToString()) is not { } server)
                {
                    return null;
                }

                if (!parsed.Servers.TryGetValue(section, out var servers))
                {
                    servers = [];
                    parsed.Servers[section] = servers;
                }

                servers.Add(server);
            }

            return parsed;
        }
    }

    /// <param name="Directive">The line without its comment.</param>
    /// <param name="Name">The server's name.</param>
    /// <param name="Shape">The options with name, weight and cookie value left out; null when the name, address, port, weight or cookie is not one a shape may vary in.</param>
    private sealed record ServerLine(string Directive, string Name, string? Shape)
    {
        public static ServerLine? Parse(string line)
        {
            var commentAt = line.IndexOf(" #", StringComparison.Ordinal);
            var directive = commentAt < 0 ? line : line[..commentAt];
            var tokens = directive.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length < 3 || tokens.Any(t => !ConfigToken.IsSafeArgument(t)))
            {
                return null;
            }

            var name = tokens[1];
            return new ServerLine(directive, name, ConfigToken.IsName(name) && IsIpEndpoint(tokens[2]) ? ShapeOf(name, tokens.AsSpan(3)) : null);
        }

        private static string? ShapeOf(string name, ReadOnlySpan<string> options)
        {
            var shape = new string[options.Length];
            for (var i = 0; i < options.Length; i++)
            {
                shape[i] = options[i];
                if (i + 1 >= options.Length)
                {
                    continue;
                }

                switch (options[i])
                {
                    case "weight" when int.TryParse(options[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight <= 256:
                    case "cookie" when options[i + 1] == name:
                        shape[++i] = "*";
                        break;
                    case "weight" or "cookie":
                        return null;
                }
            }

            return string.Join(' ', shape);
        }

        /// <summary><c>a.b.c.d:port</c> or <c>[v6]:port</c>, port 1–65535.</summary>
        private static bool IsIpEndpoint(string endpoint)
        {
            var colon = endpoint.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return false;
            }

            var address = endpoint[..colon];
            return address.StartsWith('[') && address.EndsWith(']')
                ? address.Length > 2 && address.Contains(':', StringComparison.Ordinal) && ConfigToken.IsIpAddress(address[1..^1])
                : !address.Contains(':', StringComparison.Ordinal) && ConfigToken.IsIpAddress(address);
        }
    }
}
