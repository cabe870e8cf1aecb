using System.Net.Sockets;

namespace GitOps.HAProxy.Runtime;

/// <summary>
/// An HAProxy unix socket (master CLI or stats socket) could not be reached: the socket file is
/// missing, or nothing listens on it, or the connection broke before the answer was complete.
/// </summary>
public sealed class HAProxySocketException : Exception
{
    public HAProxySocketException(string socketPath, SocketError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        SocketPath = socketPath;
        Error = error;
    }

    /// <summary>The path of the socket that could not be used.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Why: <see cref="SocketError.AddressNotAvailable"/> when the socket file does not exist,
    /// <see cref="SocketError.ConnectionRefused"/> when no process listens on it, otherwise the socket's own error.
    /// </summary>
    public SocketError Error { get; }

    /// <summary>True when the socket file is absent or nobody listens on it (HAProxy is not running there).</summary>
    public bool IsUnavailable => Error is SocketError.AddressNotAvailable or SocketError.ConnectionRefused;
}
