namespace GitOps.Web.Access;

/// <summary>What a signed-in user may do on the dashboard.</summary>
public enum DashboardRole
{
    /// <summary>Every read-only page: history, configurations, diffs.</summary>
    Viewer,

    /// <summary>A viewer who may also roll a host back to an earlier version.</summary>
    Operator,
}
