using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;

namespace GitOps.Core.Discovery;

/// <summary>
/// A running container carries labels that cannot be used (a bad seed label, control characters, an
/// oversized value). Each diagnostic names the container and the label. A container with a bad seed
/// label is not served through the seed labels; the others stay as they are but never match a selector.
/// </summary>
public sealed record LabelRejected(string Host, string Id, string Name, ValueList<Diagnostic> Diagnostics) : DiscoveryChange(Host);
