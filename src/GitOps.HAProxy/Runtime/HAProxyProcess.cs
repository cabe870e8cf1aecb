namespace GitOps.HAProxy.Runtime;

/// <summary>One process line of the master CLI's <c>show proc</c>.</summary>
/// <param name="Pid">The operating-system process id.</param>
/// <param name="Type">Master, worker or external program.</param>
/// <param name="Name">"master", "worker", or the program section's name.</param>
/// <param name="Reloads">
/// For the master: reloads since it started (failed ones included). For a worker: how many
/// reloads it has lived through (0 for a worker forked by the latest successful load).
/// </param>
/// <param name="Uptime">Time since the process started, to the second.</param>
/// <param name="Version">The HAProxy version the process runs ("-" for programs).</param>
public sealed record HAProxyProcess(int Pid, HAProxyProcessType Type, string Name, int Reloads, TimeSpan Uptime, string Version);
