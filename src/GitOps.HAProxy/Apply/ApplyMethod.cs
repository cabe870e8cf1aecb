namespace GitOps.HAProxy.Apply;

/// <summary>How a configuration reached HAProxy.</summary>
public enum ApplyMethod
{
    /// <summary>Nothing to do: the text is the one already applied.</summary>
    None,

    /// <summary>Runtime API commands on the running worker; no reload.</summary>
    Runtime,

    /// <summary>A master CLI reload of the rewritten file (listeners handed over, no connection refused).</summary>
    Reload,
}
