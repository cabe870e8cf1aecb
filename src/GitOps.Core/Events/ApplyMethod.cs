namespace GitOps.Core.Events;

/// <summary>How an agent brought HAProxy to a configuration.</summary>
public enum ApplyMethod
{
    /// <summary>Through the runtime API, without a reload.</summary>
    Runtime,

    /// <summary>By a hitless master-worker reload.</summary>
    Reload,
}
