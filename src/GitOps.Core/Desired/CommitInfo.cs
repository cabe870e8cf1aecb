using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>A Git commit's identity and authorship, recorded with every desired state derived from it.</summary>
public sealed record CommitInfo
{
    /// <summary>Full 40-hex object id.</summary>
    public required string Sha { get; init; }

    public ValueList<string> Parents { get; init; } = ValueList<string>.Empty;

    public required string Author { get; init; }

    public required string AuthorEmail { get; init; }

    public required DateTimeOffset AuthoredAt { get; init; }

    /// <summary>Full commit message.</summary>
    public required string Message { get; init; }

    public string ShortSha => CommitText.Short(Sha);

    /// <summary>First line of <see cref="Message"/>.</summary>
    public string Subject => CommitText.Subject(Message);
}
