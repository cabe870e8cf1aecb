namespace GitOps.HAProxy.Apply;

/// <summary>One server as the running worker sees it (<c>show servers state</c>).</summary>
/// <param name="Backend">The proxy's name.</param>
/// <param name="Name">The server's name.</param>
/// <param name="Address">Its current IP address.</param>
/// <param name="Port">Its current port.</param>
/// <param name="AdminState">HAProxy's <c>srv_admin_state</c> flags (see the constants).</param>
/// <param name="UserWeight">The weight set by config or <c>set weight</c>.</param>
internal sealed record ServerRuntimeState(string Backend, string Name, string Address, int Port, int AdminState, int UserWeight)
{
    /// <summary>Maintenance forced by the runtime API.</summary>
    public const int ForcedMaintenance = 0x01;

    /// <summary>Drain forced by the runtime API.</summary>
    public const int ForcedDrain = 0x08;

    /// <summary>True when someone put the server in maintenance or drain through the runtime API.</summary>
    public bool IsForcedDown => (AdminState & (ForcedMaintenance | ForcedDrain)) != 0;
}
