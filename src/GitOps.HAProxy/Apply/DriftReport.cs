using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>How the host differs from the applied configuration (the data of DriftCorrected).</summary>
/// <param name="Descriptions">One line per difference, naming the file or the server and both values.</param>
/// <param name="FileDrifted">The config file on disk is not the applied text (edited by hand, or an apply was cut short).</param>
public sealed record DriftReport(ValueList<string> Descriptions, bool FileDrifted)
{
    public static DriftReport None { get; } = new(ValueList<string>.Empty, false);

    public bool HasDrift => Descriptions.Count > 0;

    /// <summary>Runtime commands that put the servers back; used when no reload is needed.</summary>
    internal ValueList<RuntimeOperation> RuntimeFixes { get; init; } = ValueList<RuntimeOperation>.Empty;

    /// <summary>Differences the runtime API cannot undo (a server missing or extra): a reload of the applied file is needed.</summary>
    internal bool NeedsReload { get; init; }
}
