using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;

namespace GitOps.Core.Discovery;

/// <summary>What <see cref="LabelCheck.Check"/> found: the container with unusable labels removed, and why.</summary>
/// <param name="Container">The container as routing may use it.</param>
/// <param name="Diagnostics">One per rejected label, each naming the container and the label; empty when all is well.</param>
public sealed record LabelCheckResult(ObservedContainer Container, ValueList<Diagnostic> Diagnostics);
