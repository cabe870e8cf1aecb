namespace GitOps.HAProxy.Apply;

/// <summary>What <see cref="ConfigApplier.CorrectDriftAsync"/> found and did.</summary>
/// <param name="Drift">The differences found.</param>
/// <param name="Correction">How they were put right; null when there was no drift.</param>
public sealed record DriftCorrection(DriftReport Drift, ApplyResult? Correction);
