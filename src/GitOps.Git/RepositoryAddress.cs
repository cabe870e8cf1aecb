using GitOps.Core.Text;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOps.Git;

/// <summary>
/// What <c>--repo</c> names: a local directory, or a remote URL (<c>https://</c>, <c>ssh://</c>,
/// <c>file://</c>, scp-like <c>git@host:path</c>), with a display form that never shows a password.
/// </summary>
/// <param name="Value">Exactly what was given; passed to git.</param>
/// <param name="IsRemote">Whether it is a URL to mirror rather than a local directory.</param>
/// <param name="Display">For messages and logs: a URL's user information replaced by <c>***</c>.</param>
/// <param name="Readable">For the mirror's name: without user information or scheme separator.</param>
internal sealed partial record RepositoryAddress(string Value, bool IsRemote, string Display, string Readable)
{
    /// <summary>Classifies <paramref name="repo"/> the way git does: an existing directory is local; otherwise a scheme or a colon before the first slash makes a URL.</summary>
    /// <exception cref="NotARepositoryException">It is empty or starts with '-' (git would read it as an option).</exception>
    public static RepositoryAddress Parse(string repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        if (repo.Length == 0)
        {
            throw new NotARepositoryException(repo, "the repository path or URL is empty");
        }

        if (repo.StartsWith('-'))
        {
            throw new NotARepositoryException(repo, "a repository path or URL must not start with '-'");
        }

        if (Directory.Exists(repo))
        {
            return new RepositoryAddress(repo, IsRemote: false, repo, repo);
        }

        var schemeUrl = SchemeUrl().Match(repo);
        if (schemeUrl.Success)
        {
            var scheme = schemeUrl.Groups["scheme"].Value;
            var rest = schemeUrl.Groups["rest"].Value;
            var display = !schemeUrl.Groups["userinfo"].Success
                ? repo
                : schemeUrl.Groups["password"].Success || scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                    ? $"{scheme}://***@{rest}" // https user names are often tokens
                    : $"{scheme}://{schemeUrl.Groups["user"].Value}@{rest}";
            return new RepositoryAddress(repo, IsRemote: true, display, $"{scheme}-{rest}");
        }

        var colon = repo.IndexOf(':', StringComparison.Ordinal);
        var slash = repo.IndexOf('/', StringComparison.Ordinal);
        var scpLike = colon > 0 && (slash < 0 || colon < slash);
        return new RepositoryAddress(repo, scpLike, repo, repo);
    }

    /// <summary>
    /// The mirror's directory name: the URL without credentials, reduced to safe characters, plus a
    /// hash of the whole URL so two URLs never share a mirror.
    /// </summary>
    public string MirrorName()
    {
        var readable = UnsafeRun().Replace(Readable, "-").Trim('-', '.');
        const int maxReadable = 80;
        if (readable.Length > maxReadable)
        {
            readable = readable[^maxReadable..].TrimStart('-', '.');
        }

        var hash = ContentHash.Sha256Hex(Value)[..12];
        return string.Create(CultureInfo.InvariantCulture, $"{readable}-{hash}");
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<userinfo>(?<user>[^/@:]*)(?::(?<password>[^/@]*))?@)?(?<rest>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SchemeUrl();

    [GeneratedRegex(@"[^A-Za-z0-9._-]+", RegexOptions.CultureInvariant)]
    private static partial Regex UnsafeRun();
}
