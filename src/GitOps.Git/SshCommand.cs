using System.Text;

namespace GitOps.Git;

/// <summary>
/// The ssh program and arguments that reach a remote's <c>git-upload-pack</c>, chosen the way git chooses
/// them: <c>GIT_SSH_COMMAND</c> (a shell command), else <c>GIT_SSH</c> (a program), else <c>ssh</c> in batch
/// mode so it fails instead of prompting. A key file given to gitops is added with <c>-i</c> and
/// <c>IdentitiesOnly=yes</c>; otherwise ssh finds keys itself (its config, the agent, <c>~/.ssh/id_*</c>).
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">Its arguments, each passed as is (no shell splitting unless <see cref="FileName"/> is the shell).</param>
internal sealed record SshCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Builds the command for <paramref name="url"/> (<c>ssh://[user@]host[:port]/path</c> or <c>[user@]host:path</c>).</summary>
    /// <exception cref="ArgumentException">The URL is not an ssh address, or its host starts with '-'.</exception>
    public static SshCommand For(string url, string service, string? keyFile, Func<string, string?> environment)
    {
        var (userHost, port, path) = ParseUrl(url);
        var arguments = new List<string>();
        if (keyFile is not null)
        {
            arguments.AddRange(["-i", keyFile, "-o", "IdentitiesOnly=yes"]);
        }

        if (port is not null)
        {
            arguments.AddRange(["-p", port]);
        }

        arguments.Add(userHost);
        arguments.Add($"{service} {ShellQuote(path)}");

        if (NonEmpty(environment("GIT_SSH_COMMAND")) is { } shellCommand)
        {
            // As git runs it: sh -c '<command> "$@"' '<command>' <arguments>…
            return new SshCommand("/bin/sh", ["-c", shellCommand + " \"$@\"", shellCommand, .. arguments]);
        }

        if (NonEmpty(environment("GIT_SSH")) is { } program)
        {
            return new SshCommand(program, arguments);
        }

        return new SshCommand("ssh", ["-o", "BatchMode=yes", .. arguments]);
    }

    /// <summary>Splits an ssh URL or scp-like address into <c>[user@]host</c>, the port (null for ssh's default) and the path.</summary>
    public static (string UserHost, string? Port, string Path) ParseUrl(string url)
    {
        string authority;
        string path;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var rest = url[(scheme + 3)..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            authority = slash < 0 ? rest : rest[..slash];
            path = slash < 0 ? "" : Uri.UnescapeDataString(rest[slash..]);
            if (path.StartsWith("/~", StringComparison.Ordinal))
            {
                path = path[1..];
            }
        }
        else
        {
            // scp-like: [user@]host:path ('[host:port]:path' as git allows).
            var colon = url.StartsWith('[') ? url.IndexOf("]:", StringComparison.Ordinal) + 1 : url.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new ArgumentException($"'{url}' is not an ssh address", nameof(url));
            }

            authority = url[..colon];
            path = url[(colon + 1)..];
        }

        var at = authority.LastIndexOf('@');
        var user = at < 0 ? null : authority[..at];
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        string host;
        string? port = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? hostPort : hostPort[1..close];
            var afterBracket = close < 0 ? "" : hostPort[(close + 1)..];
            port = afterBracket.StartsWith(':') && afterBracket.Length > 1 ? afterBracket[1..] : null;
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort[..colon];
            port = colon < 0 || colon == hostPort.Length - 1 ? null : hostPort[(colon + 1)..];
        }

        if (user is not null && user.Contains(':', StringComparison.Ordinal))
        {
            user = user[..user.IndexOf(':', StringComparison.Ordinal)]; // ssh never takes a password from the URL
        }

        if (host.Length == 0 || host.StartsWith('-') || (user?.StartsWith('-') ?? false) || (port is not null && !port.All(char.IsAsciiDigit)))
        {
            throw new ArgumentException($"'{url}' has no usable host for ssh", nameof(url));
        }

        return (user is null ? host : $"{user}@{host}", port, path);
    }

    /// <summary>Quotes for the remote shell that runs the service, as git does: inside single quotes, a quote becomes '\''.</summary>
    public static string ShellQuote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('\'');
        foreach (var c in text)
        {
            quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        }

        return quoted.Append('\'').ToString();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
