namespace GitOps.HAProxy.Apply;

/// <summary><c>set server b/s addr IP port P</c>: re-address a server in place.</summary>
internal sealed record SetServerAddressOperation(string Backend, string Server, string Address, int Port) : RuntimeOperation(Backend, Server)
{
    public string Command => $"set server {Target} addr {Address} port {Port}";

    public override string Describe() => $"readdress {Target} to {Address}:{Port}";
}
