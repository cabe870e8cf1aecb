namespace GitOps.HAProxy.Apply;

/// <summary><c>set server b/s state ready</c>: undo a maintenance or drain forced by hand.</summary>
internal sealed record SetServerReadyOperation(string Backend, string Server) : RuntimeOperation(Backend, Server)
{
    public string Command => $"set server {Target} state ready";

    public override string Describe() => $"ready {Target}";
}
