using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Desired;

namespace GitOps.Git;

/// <summary>Resolves revisions to commits and reads their metadata.</summary>
internal sealed class CommitReader(GitCli git, string gitDirectory, string location)
{
    private const string Format = "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%B";

    /// <exception cref="UnknownRevisionException">The revision names no commit, or is not an acceptable revision.</exception>
    public async Task<CommitInfo> ResolveAsync(string revision, CancellationToken cancellationToken)
    {
        RejectUnsafe(revision);
        // --end-of-options as well as the check above: a revision is never read as an option.
        var resolved = await git.RunAsync(
            directory: null,
            [$"--git-dir={gitDirectory}", "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"],
            standardInput: null,
            cancellationToken).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            throw resolved.StandardError.Trim().Length == 0
                ? new UnknownRevisionException(revision, $"unknown revision '{revision}' in '{location}'")
                : new GitCommandException($"git rev-parse failed in '{location}': {GitCli.ErrorLine(resolved)}");
        }

        var sha = resolved.StandardOutput.Trim();
        var log = await git.RunCheckedAsync(
            directory: null,
            [$"--git-dir={gitDirectory}", "log", "-1", "--no-show-signature", "--no-color", Format, sha, "--"],
            cancellationToken).ConfigureAwait(false);
        return Parse(log);
    }

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

    private static CommitInfo Parse(string log)
    {
        var fields = log.Split('\0', 6);
        if (fields.Length != 6)
        {
            throw new GitCommandException("git log printed an unexpected format");
        }

        return new CommitInfo
        {
            Sha = fields[0],
            Parents = new ValueList<string>(fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)),
            Author = fields[2],
            AuthorEmail = fields[3],
            AuthoredAt = DateTimeOffset.Parse(fields[4], CultureInfo.InvariantCulture, DateTimeStyles.None),
            Message = fields[5].TrimEnd('\n'),
        };
    }
}
