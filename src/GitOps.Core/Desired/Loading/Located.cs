using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading;

/// <summary>A value read from YAML together with the position of the node it came from.</summary>
internal readonly record struct Located<T>(T Value, SourceLocation Location);
