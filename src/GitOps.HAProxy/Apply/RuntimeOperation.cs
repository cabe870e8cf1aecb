namespace GitOps.HAProxy.Apply;

/// <summary>One server-level change the runtime API makes without a reload.</summary>
/// <param name="Backend">The proxy (backend or listen section) holding the server.</param>
/// <param name="Server">The server's name.</param>
internal abstract record RuntimeOperation(string Backend, string Server)
{
    /// <summary><c>backend/server</c>, as runtime API commands name a server.</summary>
    public string Target => $"{Backend}/{Server}";

    /// <summary>A short description for logs and results.</summary>
    public abstract string Describe();
}
