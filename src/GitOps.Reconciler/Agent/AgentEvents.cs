using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.HAProxy.Apply;
using CoreApplyMethod = GitOps.Core.Events.ApplyMethod;
using HAProxyApplyMethod = GitOps.HAProxy.Apply.ApplyMethod;

namespace GitOps.Reconciler.Agent;

/// <summary>The events of <c>applied-&lt;host&gt;</c>, built from what the applier reports.</summary>
internal static class AgentEvents
{
    public static ConfigApplied Applied(string host, AgentTarget target, CoreApplyMethod method, TimeSpan duration, string sha256, ValueList<string> operations) => new()
    {
        Host = host,
        Version = target.Config.Version,
        Method = method,
        Duration = duration,
        Sha256 = sha256,
        Commit = target.Config.Commit,
        Operations = operations,
        Pinned = target.Pinned,
        RollbackRequestId = target.RollbackRequestId,
    };

    /// <summary>ConfigApplied or ApplyFailed for an apply of <paramref name="target"/>.</summary>
    public static IEvent FromApply(string host, AgentTarget target, ApplyResult result) => result.Succeeded
        ? Applied(host, target, Map(result.Method), result.Duration, result.Sha256, result.Operations)
        : Failed(host, target, result.Error!, ParseVersion(result.KeptVersion), result.Operations);

    public static ApplyFailed Failed(string host, AgentTarget target, string error, long? keptVersion, ValueList<string> operations) => new()
    {
        Host = host,
        Version = target.Config.Version,
        Error = error,
        KeptVersion = keptVersion,
        Operations = operations,
        RollbackRequestId = target.RollbackRequestId,
    };

    public static DriftCorrected Drift(string host, DriftCorrection correction, string? appliedVersion) => new()
    {
        Host = host,
        What = string.Join("; ", correction.Drift.Descriptions),
        Differences = correction.Drift.Descriptions,
        Version = ParseVersion(appliedVersion),
        Method = correction.Correction is { Succeeded: true } fix ? Map(fix.Method) : null,
        Error = correction.Correction?.Error,
    };

    /// <summary>The id that makes recording this outcome of this apply idempotent.</summary>
    public static Guid IdFor(string host, AgentTarget target, IEvent outcome) => AgentEventIds.From(
        outcome.GetType().Name,
        host,
        target.ConfigEventId.ToString("N"),
        target.RollbackRequestId?.ToString("N") ?? "-");

    public static long? ParseVersion(string? label) =>
        long.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    private static CoreApplyMethod Map(HAProxyApplyMethod method) => method switch
    {
        HAProxyApplyMethod.Runtime => CoreApplyMethod.Runtime,
        HAProxyApplyMethod.Reload => CoreApplyMethod.Reload,
        _ => CoreApplyMethod.Unchanged,
    };
}
