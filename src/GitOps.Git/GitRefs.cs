namespace GitOps.Git;

/// <summary>Lists branches and tags, locally (<c>for-each-ref</c>) and on a remote (<c>ls-remote</c>), in one shape so they compare.</summary>
internal static class GitRefs
{
    private const string SymrefPrefix = "ref: ";

    public static async Task<IReadOnlyList<GitRef>> ListLocalAsync(GitCli git, string gitDirectory, CancellationToken cancellationToken)
    {
        var output = await git.RunCheckedAsync(
            directory: null,
            [$"--git-dir={gitDirectory}", "for-each-ref", "--format=%(objectname)%09%(refname)", "refs/heads", "refs/tags"],
            cancellationToken).ConfigureAwait(false);
        return Parse(output, out _);
    }

    /// <summary>The remote's branches and tags, and the branch its HEAD points at (null when it does not say).</summary>
    public static async Task<(List<GitRef> Refs, string? Head)> ListRemoteAsync(GitCli git, RepositoryAddress remote, CancellationToken cancellationToken)
    {
        var output = await git.RunRemoteAsync(directory: null, ["ls-remote", "--symref", "--", remote.Value], remote.Display, cancellationToken).ConfigureAwait(false);
        var refs = Parse(output, out var head);
        return (refs, head);
    }

    /// <summary>
    /// Parses "&lt;sha&gt;\t&lt;ref&gt;" lines, keeping branches and tags (not the peeled <c>^{}</c>
    /// lines), sorted by name; <paramref name="headTarget"/> is the branch a "ref: … HEAD" line names.
    /// </summary>
    public static List<GitRef> Parse(string output, out string? headTarget)
    {
        headTarget = null;
        var refs = new List<GitRef>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                continue;
            }

            var (target, name) = (line[..tab], line[(tab + 1)..]);
            if (target.StartsWith(SymrefPrefix, StringComparison.Ordinal))
            {
                headTarget = name == "HEAD" ? target[SymrefPrefix.Length..] : headTarget;
            }
            else if ((name.StartsWith("refs/heads/", StringComparison.Ordinal) || name.StartsWith("refs/tags/", StringComparison.Ordinal))
                && !name.EndsWith("^{}", StringComparison.Ordinal))
            {
                refs.Add(new GitRef(name, target));
            }
        }

        refs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return refs;
    }
}
