using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>The outcome of one <see cref="ConfigApplier.ApplyAsync(string, string?, CancellationToken)"/> (the data of ConfigApplied / ApplyFailed).</summary>
/// <param name="Method">How it was applied (or attempted): none, runtime API, reload.</param>
/// <param name="Duration">From the call to the outcome, drains included.</param>
/// <param name="Operations">What was done, in order: runtime commands sent, files written, the reload.</param>
/// <param name="Error">Why it failed, with HAProxy's own reason; null on success.</param>
/// <param name="Version">The version label of the configuration that runs now (the new one on success, the kept one on failure).</param>
/// <param name="Sha256">The SHA-256 (lower-case hex) of the configuration text that runs now.</param>
public sealed record ApplyResult(ApplyMethod Method, TimeSpan Duration, ValueList<string> Operations, string? Error, string? Version, string Sha256)
{
    public bool Succeeded => Error is null;

    /// <summary>On failure, the version that stayed live (ApplyFailed's keptVersion); null on success.</summary>
    public string? KeptVersion => Succeeded ? null : Version;
}
