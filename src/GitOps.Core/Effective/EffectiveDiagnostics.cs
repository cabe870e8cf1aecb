namespace GitOps.Core.Effective;

/// <summary>Codes of the problems found while merging desired and observed state (GITOPS4xx).</summary>
public static class EffectiveDiagnostics
{
    public const string UnknownHost = "GITOPS400";
    public const string PortConflict = "GITOPS401";
    public const string RedirectDropped = "GITOPS402";
    public const string NetworkMissing = "GITOPS403";
    public const string NoAddress = "GITOPS404";
    public const string HostFileMissing = "GITOPS405";
    public const string HostCapabilityMissing = "GITOPS406";
}
