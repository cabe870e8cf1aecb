using LibGit2Sharp;

namespace GitOps.Git;

/// <summary>Lists branches and tags, of a local repository and of a remote, in one shape so they compare.</summary>
internal static class GitRefs
{
    public static List<GitRef> ListLocal(Repository repository)
    {
        var refs = new List<GitRef>();
        foreach (var reference in repository.Refs)
        {
            if (IsBranchOrTag(reference.CanonicalName) && reference.ResolveToDirectReference() is { } direct)
            {
                refs.Add(new GitRef(reference.CanonicalName, direct.TargetIdentifier));
            }
        }

        refs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return refs;
    }

    /// <summary>
    /// Keeps branches and tags (not the peeled <c>^{}</c> entries), sorted by name; the head is the branch
    /// the remote's symbolic HEAD names.
    /// </summary>
    public static (List<GitRef> Refs, string? Head) FromRemote(IEnumerable<Reference> advertised)
    {
        string? head = null;
        var refs = new List<GitRef>();
        foreach (var reference in advertised)
        {
            if (reference.CanonicalName == "HEAD")
            {
                head = reference is SymbolicReference symbolic ? symbolic.TargetIdentifier : head;
            }
            else if (IsBranchOrTag(reference.CanonicalName) && !reference.CanonicalName.EndsWith("^{}", StringComparison.Ordinal))
            {
                refs.Add(new GitRef(reference.CanonicalName, reference.TargetIdentifier));
            }
        }

        refs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return (refs, head);
    }

    private static bool IsBranchOrTag(string name) =>
        name.StartsWith("refs/heads/", StringComparison.Ordinal) || name.StartsWith("refs/tags/", StringComparison.Ordinal);
}
