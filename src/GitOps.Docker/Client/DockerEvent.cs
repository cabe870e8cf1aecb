using GitOps.Core.Collections;

namespace GitOps.Docker.Client;

/// <summary>One message of the engine's <c>GET /events</c> stream.</summary>
/// <param name="Type">The object type: <c>container</c>, <c>network</c>, …</param>
/// <param name="Action">What happened: <c>start</c>, <c>die</c>, <c>health_status: healthy</c>, <c>connect</c>, …</param>
/// <param name="ActorId">The object's id (for a network event, the network's; the container is in <see cref="Attributes"/>).</param>
/// <param name="Attributes">The actor's attributes: for containers its labels, <c>name</c> and <c>image</c>; for network events <c>container</c> and <c>name</c>.</param>
/// <param name="TimeNano">When it happened, in nanoseconds since the Unix epoch, by the engine's clock.</param>
public sealed record DockerEvent(string Type, string Action, string ActorId, ValueMap Attributes, long TimeNano)
{
    /// <summary><see cref="TimeNano"/> as a timestamp (100 ns precision).</summary>
    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks(TimeNano / 100);
}
