namespace GitOps.Keepalived.Validation;

/// <summary>The verdict of <c>keepalived --config-test</c>: valid when it exited 0; <see cref="Output"/> is what it printed.</summary>
public sealed record KeepalivedCheckResult(bool IsValid, string Output);
