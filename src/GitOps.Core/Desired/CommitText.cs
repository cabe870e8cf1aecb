namespace GitOps.Core.Desired;

/// <summary>How a commit is named to a person: the short id and the message's first line.</summary>
public static class CommitText
{
    /// <summary>The first 12 hex digits of <paramref name="sha"/> (all of it when shorter).</summary>
    public static string Short(string sha)
    {
        ArgumentNullException.ThrowIfNull(sha);
        return sha.Length > 12 ? sha[..12] : sha;
    }

    /// <summary>The first line of <paramref name="message"/>, trimmed.</summary>
    public static string Subject(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Split('\n', 2)[0].Trim();
    }
}
