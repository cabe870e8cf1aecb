namespace GitOps.Reconciler;

/// <summary>
/// HAProxy's runtime directory may name its host with <see cref="Placeholder"/>, so agents of several
/// load-balancer hosts on one machine keep their sockets and pid files apart while the controller and each
/// agent still agree on the path (the rendered configuration names the admin socket in it).
/// </summary>
public static class HostRuntimeDirectory
{
    /// <summary>Replaced by the host name wherever it appears in a runtime directory.</summary>
    public const string Placeholder = "{host}";

    /// <summary><paramref name="template"/> with every <see cref="Placeholder"/> replaced by <paramref name="host"/>.</summary>
    public static string For(string template, string host)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return template.Replace(Placeholder, host, StringComparison.Ordinal);
    }
}
