namespace GitOps.Core.Events;

/// <summary>How an agent brought HAProxy to a configuration.</summary>
public enum ApplyMethod
{
    /// <summary>Through the runtime API, without a reload.</summary>
    Runtime,

    /// <summary>By a hitless master-worker reload.</summary>
    Reload,

    /// <summary>HAProxy was started on it (the host's first configuration, or HAProxy was not running).</summary>
    Start,

    /// <summary>Nothing was sent to HAProxy: the same text was already live (a re-rendering, or an apply recorded late).</summary>
    Unchanged,
}
