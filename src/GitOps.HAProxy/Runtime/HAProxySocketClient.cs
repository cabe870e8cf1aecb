using System.Net.Sockets;
using System.Text;

namespace GitOps.HAProxy.Runtime;

/// <summary>
/// Sends one command to an HAProxy unix-socket CLI and returns its whole answer. Works for the
/// stats socket (runtime API) and for the master CLI (<c>-S</c>): the command is written, the
/// sending side shut down, and the answer is everything read until HAProxy closes the connection
/// (in non-interactive mode both close after one command once the client has half-closed).
/// </summary>
public sealed class HAProxySocketClient
{
    /// <summary>The time one command may take, from connecting to the peer closing, unless another is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public HAProxySocketClient()
        : this(DefaultTimeout)
    {
    }

    public HAProxySocketClient(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
    }

    /// <summary>The bound on one <see cref="SendAsync"/>, from connecting to the peer closing.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Sends <paramref name="command"/> (one line; HAProxy itself splits on <c>;</c>) and returns the full text answer.</summary>
    /// <exception cref="ArgumentException">The command is empty or spans several lines.</exception>
    /// <exception cref="HAProxySocketException">The socket is missing, refuses the connection, or broke.</exception>
    /// <exception cref="TimeoutException">HAProxy did not finish answering within <see cref="Timeout"/>.</exception>
    public async Task<string> SendAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (command.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            // A line break would smuggle a second command past the caller's checks.
            throw new ArgumentException("An HAProxy CLI command must be a single line.", nameof(command));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await ConnectAsync(socket, socketPath, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.UTF8.GetBytes(command + "\n"), SocketFlags.None, timeout.Token).ConfigureAwait(false);

            // The master CLI keeps a connection open after answering until the client half-closes it;
            // the stats socket closes by itself either way.
            socket.Shutdown(SocketShutdown.Send);
            return await ReadToEndAsync(socket, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"HAProxy socket '{socketPath}' did not answer '{command}' within {Timeout.TotalSeconds:0.#} s.");
        }
        catch (SocketException ex)
        {
            throw new HAProxySocketException(
                socketPath, ex.SocketErrorCode, $"HAProxy socket '{socketPath}' failed during '{command}': {ex.Message}", ex);
        }
    }

    private static async Task ConnectAsync(Socket socket, string socketPath, CancellationToken cancellationToken)
    {
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (!File.Exists(socketPath))
        {
            throw new HAProxySocketException(
                socketPath,
                SocketError.AddressNotAvailable,
                $"HAProxy socket '{socketPath}' does not exist: is HAProxy running with this socket configured?",
                ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw new HAProxySocketException(
                socketPath,
                SocketError.ConnectionRefused,
                $"HAProxy socket '{socketPath}' refused the connection: no HAProxy process is listening on it.",
                ex);
        }
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
    }
}
