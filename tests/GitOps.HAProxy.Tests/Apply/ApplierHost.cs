using System.Net;
using System.Text;
using GitOps.HAProxy.Apply;
using GitOps.HAProxy.Runtime;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Network;

namespace GitOps.HAProxy.Tests.Apply;

/// <summary>A real HAProxy run by the product's supervisor and applier in a temporary directory, and the config texts the tests apply.</summary>
internal sealed class ApplierHost : IAsyncDisposable
{
    private readonly TimeProvider? applierClock;

    /// <param name="drainTimeout">How long the applier lets a removed server drain; 20 s by default.</param>
    /// <param name="restartOnExit">Whether the supervisor restarts a master that died.</param>
    /// <param name="applierClock">The applier's clock (its drain waits); the real one by default.</param>
    public ApplierHost(TimeSpan? drainTimeout = null, bool restartOnExit = false, TimeProvider? applierClock = null)
    {
        this.applierClock = applierClock;
        Directory = System.IO.Directory.CreateTempSubdirectory("gitops-apply-").FullName;
        FrontendPort = LoopbackPorts.GetFree();
        SupervisorOptions = new HAProxySupervisorOptions
        {
            ConfigPath = Path.Combine(Directory, "haproxy.cfg"),
            RuntimeDirectory = Path.Combine(Directory, "run"),
            RestartOnExit = restartOnExit,
            SoftStopTimeout = TimeSpan.Zero,
            MinRestartDelay = TimeSpan.FromMilliseconds(100),
            MaxRestartDelay = TimeSpan.FromSeconds(2),
            MonitorInterval = TimeSpan.FromMilliseconds(200),
        };
        ApplierOptions = new ConfigApplierOptions
        {
            AdminSocketPath = Path.Combine(SupervisorOptions.RuntimeDirectory, "admin.sock"),
            DrainTimeout = drainTimeout ?? TimeSpan.FromSeconds(20),
            DrainPollInterval = TimeSpan.FromMilliseconds(50),
        };
        Supervisor = new HAProxySupervisor(SupervisorOptions);
        Applier = new ConfigApplier(Supervisor, ApplierOptions, applierClock);
    }

    public string Directory { get; }

    public int FrontendPort { get; }

    public HAProxySupervisorOptions SupervisorOptions { get; }

    public ConfigApplierOptions ApplierOptions { get; }

    public HAProxySupervisor Supervisor { get; private set; }

    public ConfigApplier Applier { get; private set; }

    /// <summary>A config: frontend on <see cref="FrontendPort"/> in <paramref name="mode"/>, backend b (roundrobin) with the servers, each line ending in <paramref name="serverExtra"/>.</summary>
    public string Config(IEnumerable<(string Name, IPEndPoint Address, int Weight)> servers, string mode = "http", string frontendExtra = "", string serverExtra = "")
    {
        var text = new StringBuilder(HAProxyTestConfig.Global(ApplierOptions.AdminSocketPath));
        text.Append("\nfrontend fe\n")
            .Append("    mode ").Append(mode).Append('\n')
            .Append("    bind 127.0.0.1:").Append(FrontendPort).Append('\n')
            .Append(frontendExtra)
            .Append("    default_backend b\n\n")
            .Append("backend b\n")
            .Append("    mode ").Append(mode).Append('\n')
            .Append("    balance roundrobin\n");
        foreach (var (name, address, weight) in servers)
        {
            text.Append("    server ").Append(name).Append(' ').Append(address).Append(" weight ").Append(weight).Append(serverExtra).Append('\n');
        }

        return text.ToString();
    }

    public Task<string> RuntimeCommandAsync(string command) =>
        new HAProxySocketClient().SendAsync(ApplierOptions.AdminSocketPath, command, CancellationToken.None);

    public async Task<int> ReloadsAsync() => (await Supervisor.ShowProcAsync(CancellationToken.None)).Master.Reloads;

    /// <summary>Replaces supervisor and applier with fresh ones, as a restarted agent would build them; HAProxy keeps running.</summary>
    public async Task SimulateAgentRestartAsync()
    {
        await Supervisor.DisposeAsync();
        Supervisor = new HAProxySupervisor(SupervisorOptions);
        Applier = new ConfigApplier(Supervisor, ApplierOptions, applierClock);
    }

    public async ValueTask DisposeAsync()
    {
        await Supervisor.StopAsync(CancellationToken.None);
        await Supervisor.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
