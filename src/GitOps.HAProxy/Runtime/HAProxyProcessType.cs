namespace GitOps.HAProxy.Runtime;

/// <summary>The kind of a process listed by the master CLI's <c>show proc</c>.</summary>
public enum HAProxyProcessType
{
    Master,
    Worker,

    /// <summary>An external program declared in a <c>program</c> section.</summary>
    Program,
}
