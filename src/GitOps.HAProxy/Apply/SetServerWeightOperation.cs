namespace GitOps.HAProxy.Apply;

/// <summary><c>set weight b/s W</c>.</summary>
internal sealed record SetServerWeightOperation(string Backend, string Server, int Weight) : RuntimeOperation(Backend, Server)
{
    public string Command => $"set weight {Target} {Weight}";

    public override string Describe() => $"weight {Target} {Weight}";
}
