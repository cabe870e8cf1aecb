using GitOps.Core.Collections;
using GitOps.Core.Desired;
using LibGit2Sharp;

namespace GitOps.Git;

/// <summary>Resolves revisions to commits and reads their metadata.</summary>
internal static class CommitReader
{
    /// <exception cref="UnknownRevisionException">The revision names no commit, or is not an acceptable revision.</exception>
    public static Commit Resolve(Repository repository, string revision, string location)
    {
        RejectUnsafe(revision);
        GitObject? found;
        try
        {
            // ^{commit} peels an annotated tag to its commit and refuses a tree or blob.
            found = repository.Lookup(revision + "^{commit}");
        }
        catch (AmbiguousSpecificationException)
        {
            throw new UnknownRevisionException(revision, $"revision '{revision}' is ambiguous in '{location}'; give more of the sha");
        }
        catch (Exception ex) when (ex is InvalidSpecificationException or NotFoundException)
        {
            found = null;
        }

        return found as Commit ?? throw new UnknownRevisionException(revision, $"unknown revision '{revision}' in '{location}'");
    }

    public static CommitInfo Info(Commit commit) => new()
    {
        Sha = commit.Sha,
        Parents = new ValueList<string>(commit.Parents.Select(p => p.Sha)),
        Author = commit.Author.Name,
        AuthorEmail = commit.Author.Email,
        AuthoredAt = commit.Author.When,
        Message = commit.Message.TrimEnd('\n'),
    };

    /// <exception cref="UnknownRevisionException">The revision is empty, starts with '-' or holds a control character.</exception>
    private static void RejectUnsafe(string revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var reason = revision.Length == 0 ? "a revision must not be empty"
            : revision.StartsWith('-') ? "a revision must not start with '-'"
            : revision.Any(char.IsControl) ? "a revision must not contain control characters"
            : null;
        if (reason is not null)
        {
            throw new UnknownRevisionException(revision, $"invalid revision '{revision}': {reason}");
        }
    }
}
