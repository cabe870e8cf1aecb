namespace GitOps.Testing.Network;

/// <summary>One request of a <see cref="RequestLoop"/>: start and end in Unix ms, HTTP status (0 when none came).</summary>
public sealed record RequestSample(long StartedMs, long EndedMs, int Status)
{
    public bool Succeeded => Status == 200;
}
