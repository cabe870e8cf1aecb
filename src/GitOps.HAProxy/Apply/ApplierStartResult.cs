namespace GitOps.HAProxy.Apply;

/// <summary>What <see cref="ConfigApplier.StartAsync"/> found and did on the way to a serving HAProxy.</summary>
/// <param name="Adopted">HAProxy was already running (left by an earlier agent) and was adopted.</param>
/// <param name="Recovery">Drift found against the last applied configuration, and its correction.</param>
/// <param name="Apply">The apply of the desired text given to StartAsync; null when none was given or it was already live.</param>
public sealed record ApplierStartResult(bool Adopted, DriftCorrection Recovery, ApplyResult? Apply);
