using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GitOps.Testing.Network;

/// <summary>
/// A client (in a network namespace, or on this machine's loopback) sending <c>GET http://address/</c> every 50 ms (curl, each request on its own, so a
/// hanging one never delays the next), bounded in count, until <see cref="StopAsync"/>. Every request is one
/// <see cref="RequestSample"/>: when it started and ended (Unix ms, the clock of this machine) and its HTTP status.
/// A request fails when it does not answer 200 within <see cref="RequestTimeout"/>.
/// </summary>
public sealed class RequestLoop : IAsyncDisposable
{
    /// <summary>The client's timeout of one request: enough for one lost SYN to be retransmitted (1 s), as a real client waits.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Process process;
    private readonly string stopFile;
    private readonly List<RequestSample> samples = [];
    private readonly StringBuilder errors = new();
    private readonly Lock gate = new();

    private RequestLoop(Process process, string stopFile)
    {
        this.process = process;
        this.stopFile = stopFile;
    }

    /// <summary>Starts at most <paramref name="maxRequests"/> requests from <paramref name="client"/> to <paramref name="address"/>.</summary>
    public static RequestLoop Start(NetworkNamespace client, string address, int maxRequests)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Start(command => client.Prepare(command), address, maxRequests);
    }

    /// <summary>Starts at most <paramref name="maxRequests"/> requests from this machine to <c>127.0.0.1:<paramref name="port"/></c>.</summary>
    public static RequestLoop StartOnLoopback(int port, int maxRequests) =>
        Start(
            command =>
            {
                var startInfo = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in command.Skip(1))
                {
                    startInfo.ArgumentList.Add(argument);
                }

                return new Process { StartInfo = startInfo };
            },
            "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            maxRequests);

    private static RequestLoop Start(Func<string[], Process> prepare, string address, int maxRequests)
    {
        var stopFile = Path.Combine(Path.GetTempPath(), "gitops-requests-" + Guid.NewGuid().ToString("N"));
        var timeout = RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var interval = Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var script = $$"""
            i=0
            while [ $i -lt {{maxRequests}} ] && [ ! -e '{{stopFile}}' ]; do
              ( s=$(date +%s%3N); c=$(curl -s -o /dev/null -w '%{http_code}' --max-time {{timeout}} 'http://{{address}}/' 2>/dev/null); echo "$s $(date +%s%3N) ${c:-000}" ) &
              i=$((i+1))
              sleep {{interval}}
            done
            wait
            """;
        var process = prepare(["sh", "-c", script]);
        var loop = new RequestLoop(process, stopFile);
        process.OutputDataReceived += (_, e) => loop.Add(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (loop.gate)
            {
                loop.errors.Append(e.Data).Append('\n');
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return loop;
    }

    /// <summary>The requests finished so far, in order of their start.</summary>
    public IReadOnlyList<RequestSample> Samples
    {
        get
        {
            lock (gate)
            {
                return [.. samples.OrderBy(s => s.StartedMs)];
            }
        }
    }

    /// <summary>How many requests succeeded after <paramref name="sinceMs"/> (Unix ms, by their end).</summary>
    public int SucceededSince(long sinceMs)
    {
        lock (gate)
        {
            return samples.Count(s => s.Succeeded && s.EndedMs >= sinceMs);
        }
    }

    /// <summary>Stops starting requests, waits (bounded) for those under way, and returns every sample.</summary>
    public async Task<RequestLoopResult> StopAsync()
    {
        await File.WriteAllTextAsync(stopFile, "stop").ConfigureAwait(false);
        using var bound = new CancellationTokenSource(RequestTimeout * 5);
        await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        lock (gate)
        {
            return new RequestLoopResult([.. samples.OrderBy(s => s.StartedMs)], errors.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process.Dispose();
        File.Delete(stopFile);
    }

    private void Add(string? line)
    {
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: 3 }
            || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ended)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return;
        }

        lock (gate)
        {
            samples.Add(new RequestSample(started, ended, status));
        }
    }
}
