using GitOps.HAProxy.Runtime;

namespace GitOps.Testing.HAProxy;

/// <summary>What a master CLI <c>reload</c> did, as <see cref="HAProxyFixture.TryReloadAsync"/> observed it.</summary>
/// <param name="Before">The master's <c>show proc</c> just before the reload.</param>
/// <param name="After">The master's <c>show proc</c> once the reload was counted.</param>
/// <param name="Succeeded">True when a new worker runs the new file; false when the master reported the reload failed.</param>
/// <param name="Output">What HAProxy printed meanwhile (the reason, when it failed).</param>
public sealed record HAProxyReloadResult(HAProxyProcessList Before, HAProxyProcessList After, bool Succeeded, string Output);
