using System.Diagnostics;
using System.Globalization;
using GitOps.EventStore;
using GitOps.Reconciler.Agent;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>
/// An <see cref="AgentHost"/> running in the background on a temporary data and runtime directory. <see cref="StopAsync"/>
/// stops the agent only (HAProxy keeps serving, as in production); disposing also kills HAProxy and deletes the directory.
/// </summary>
internal sealed class AgentRun : IAsyncDisposable
{
    private readonly MartenEventStore store;
    private CancellationTokenSource? stop;
    private Task? running;

    public AgentRun(MartenEventStore store, string host)
    {
        this.store = store;
        Directory = Path.Combine(Path.GetTempPath(), "gitops-agent-" + Guid.NewGuid().ToString("N")[..8]);
        Options = new AgentOptions
        {
            Host = host,
            DataDirectory = Path.Combine(Directory, "data"),
            RuntimeDirectory = Path.Combine(Directory, "run"),
            DrainTimeout = TimeSpan.FromSeconds(1),
            DriftCheckInterval = TimeSpan.FromSeconds(2),
            RetryDelay = TimeSpan.FromMilliseconds(200),
        };
    }

    public string Directory { get; }

    public AgentOptions Options { get; set; }

    public AgentHost? Agent { get; private set; }

    public string MasterSocketPath => Path.Combine(Options.RuntimeDirectory, "master.sock");

    public void Start()
    {
        if (running is not null)
        {
            throw new InvalidOperationException("The agent runs already.");
        }

        stop = new CancellationTokenSource();
        Agent = new AgentHost(store, Options);
        var agent = Agent;
        var token = stop.Token;
        running = Task.Run(() => agent.RunAsync(token), CancellationToken.None);
    }

    /// <summary>Cancels the agent and waits for it to end; it ends only by cancellation.</summary>
    public async Task StopAsync()
    {
        if (running is null || stop is null)
        {
            return;
        }

        await stop.CancelAsync();
        try
        {
            await running;
            throw new InvalidOperationException("The agent returned without being cancelled.");
        }
        catch (OperationCanceledException)
        {
            // The expected way out.
        }
        finally
        {
            stop.Dispose();
            stop = null;
            running = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        var pidFile = Path.Combine(Options.RuntimeDirectory, "haproxy.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var master = Process.GetProcessById(pid);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                master.Kill(entireProcessTree: true);
                await master.WaitForExitAsync(timeout.Token);
            }
            catch (ArgumentException)
            {
                // Not running any more.
            }
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
