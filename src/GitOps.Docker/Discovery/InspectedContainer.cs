using GitOps.Core.Discovery;

namespace GitOps.Docker.Discovery;

/// <summary>
/// The inspect document of one container: what routing needs, plus the facts that tell a stop signal from any other
/// signal and one run of a container from the next.
/// </summary>
/// <param name="Container">The container as routing sees it.</param>
/// <param name="StartedAt">Docker's <c>State.StartedAt</c> (to 100 ns): it changes on every start, so it names one run.</param>
/// <param name="StopSignal">The number of the signal <c>docker stop</c> sends first (<c>Config.StopSignal</c>, SIGTERM when unset).</param>
public sealed record InspectedContainer(ObservedContainer Container, DateTimeOffset StartedAt, int StopSignal);
