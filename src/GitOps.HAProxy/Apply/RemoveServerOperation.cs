namespace GitOps.HAProxy.Apply;

/// <summary>Drain the server, wait for its sessions to end (bounded), put it in maintenance and delete it.</summary>
internal sealed record RemoveServerOperation(string Backend, string Server) : RuntimeOperation(Backend, Server)
{
    public override string Describe() => $"remove {Target}";
}
