namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>One entry of <c>hosts</c> in gitops.yaml as written: its name and, for hosts of a virtual-address group, its own address.</summary>
internal sealed record HostSpec(Located<string> Name, Located<string>? Address)
{
    public string Path { get; init; } = "hosts";
}
