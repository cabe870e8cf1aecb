using GitOps.Core.Collections;

namespace GitOps.Core.Events;

/// <summary>
/// A configuration rendered for a host failed <c>haproxy -c</c>, so it was not published; the host's
/// last <see cref="ConfigRendered"/> stays in force. Written to <see cref="StreamNames.Rejected"/>.
/// </summary>
public sealed record ConfigRejected : IEvent
{
    public required string Host { get; init; }

    /// <summary>Lower-case hex SHA-256 of the rejected text.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The desired-state commit it was rendered from.</summary>
    public required string Commit { get; init; }

    /// <summary>What <c>haproxy -c</c> said: its alert lines, or its output when it printed none.</summary>
    public required ValueList<string> Errors { get; init; }

    /// <summary>Ids of the events that led to this rendering.</summary>
    public ValueList<Guid> Causes { get; init; } = ValueList<Guid>.Empty;
}
