using System.Globalization;
using System.Text.Json;
using Xunit;

namespace GitOps.Testing.Docker;

/// <summary>
/// Real Docker for tests (use as <c>IClassFixture&lt;DockerFixture&gt;</c>): the engine on DOCKER_HOST, else
/// /var/run/docker.sock, else a private dockerd shared by all test processes; busybox httpd containers
/// and networks labelled <c>gitops-test.run=&lt;RunId&gt;</c>, all force-removed in
/// <see cref="DisposeAsync"/> and, should that never run, when the test process ends.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    /// <summary>The image every test container runs.</summary>
    public const string ImageName = BusyboxImage.Name;

    /// <summary>The label carrying <see cref="RunId"/> on every container and network this fixture creates.</summary>
    public const string RunLabel = "gitops-test.run";

    /// <summary>The label carrying the test process's token, for cleanup after the process died.</summary>
    public const string ProcessLabel = "gitops-test.process";

    private static readonly string ProcessToken = $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20];
    private static readonly Lazy<Task> ProcessWatch = new(WatchProcessExitAsync);
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    private DockerCli? cli;
    private IDisposable? exitHook;
    private int containerCount;

    /// <summary>Unique to this fixture instance; the value of <see cref="RunLabel"/>.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The engine endpoint, <c>unix://…</c> or <c>tcp://…</c>, for clients under test.</summary>
    public string Endpoint => Cli.Endpoint;

    private DockerCli Cli => cli ?? throw new InvalidOperationException("DockerFixture is not initialized; use it as IClassFixture<DockerFixture> or call InitializeAsync first.");

    public async Task InitializeAsync()
    {
        cli = await DockerEngine.SharedAsync(CancellationToken.None).ConfigureAwait(false);
        await ProcessWatch.Value.ConfigureAwait(false);
        exitHook = ProcessExitHooks.Register($"Docker objects labelled {RunLabel}={RunId}", () => RemoveAllAsync(CancellationToken.None).GetAwaiter().GetResult());
    }

    public async Task DisposeAsync()
    {
        if (cli is null)
        {
            return;
        }

        await RemoveAllAsync(CancellationToken.None).ConfigureAwait(false);
        exitHook?.Dispose();
    }

    /// <summary>Runs <c>docker --host Endpoint arguments…</c> and returns its trimmed output, for what the helpers below do not cover.</summary>
    public Task<string> RunDockerAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        Cli.RunAsync(arguments, cancellationToken);

    /// <summary>
    /// Starts a container serving <c>http://&lt;ip&gt;:80/</c> with busybox httpd; the body is the container's
    /// name on the first line and its hostname on the second. Returns once it is started (not necessarily
    /// serving yet: see <see cref="WaitForHttpAsync"/>).
    /// </summary>
    public async Task<TestContainer> RunHttpContainerAsync(HttpContainerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = options.Name ?? $"gitops-test-{RunId}-{Interlocked.Increment(ref containerCount)}";
        List<string> arguments = ["create", "--name", name, .. OwnLabels()];
        foreach (var (key, value) in options.Labels)
        {
            arguments.AddRange(["--label", $"{key}={value}"]);
        }

        foreach (var (key, value) in options.Environment)
        {
            arguments.AddRange(["--env", $"{key}={value}"]);
        }

        arguments.AddRange(["--env", $"GITOPS_TEST_CONTAINER_NAME={name}"]);
        if (options.Networks.Count > 0)
        {
            arguments.AddRange(["--network", options.Networks[0]]);
        }

        if (options.HealthCommand is not null)
        {
            arguments.AddRange(
            [
                "--health-cmd", options.HealthCommand,
                "--health-interval", Duration(options.HealthInterval),
                "--health-timeout", Duration(options.HealthInterval),
                "--health-retries", options.HealthRetries.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        arguments.AddRange(
        [
            ImageName, "sh", "-c",
            "printf '%s\\n%s\\n' \"$GITOPS_TEST_CONTAINER_NAME\" \"$(hostname)\" > /www/index.html && exec busybox httpd -f -p 80 -h /www",
        ]);
        var id = await Cli.RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        foreach (var network in options.Networks.Skip(1))
        {
            await ConnectAsync(network, id, cancellationToken).ConfigureAwait(false);
        }

        return await StartAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>docker inspect</c> document of <paramref name="container"/> (id or name).</summary>
    public async Task<JsonElement> InspectAsync(string container, CancellationToken cancellationToken)
    {
        var json = await Cli.RunAsync(["container", "inspect", container], cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].Clone();
    }

    /// <summary>The container's IPv4 address by network name; empty while it is stopped.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetIpAddressesAsync(string container, CancellationToken cancellationToken) =>
        IpAddresses(await InspectAsync(container, cancellationToken).ConfigureAwait(false));

    /// <summary>Stops the container, killing it after one second (httpd as PID 1 ignores SIGTERM).</summary>
    public Task StopAsync(string container, CancellationToken cancellationToken) =>
        Cli.RunAsync(["stop", "--time", "1", container], cancellationToken);

    /// <summary>Starts a created or stopped container and returns it with its (possibly new) addresses.</summary>
    public async Task<TestContainer> StartAsync(string container, CancellationToken cancellationToken)
    {
        await Cli.RunAsync(["start", container], cancellationToken).ConfigureAwait(false);
        var inspected = await InspectAsync(container, cancellationToken).ConfigureAwait(false);
        return new TestContainer(
            inspected.GetProperty("Id").GetString()!,
            inspected.GetProperty("Name").GetString()!.TrimStart('/'),
            IpAddresses(inspected));
    }

    /// <summary>Force-removes the container with its anonymous volumes.</summary>
    public Task RemoveAsync(string container, CancellationToken cancellationToken) =>
        Cli.RunAsync(["rm", "--force", "--volumes", container], cancellationToken);

    /// <summary>Creates a labelled bridge network and returns its name (made up when <paramref name="name"/> is null).</summary>
    public async Task<string> CreateNetworkAsync(string? name, CancellationToken cancellationToken)
    {
        name ??= $"gitops-test-{RunId}-net{Interlocked.Increment(ref containerCount)}";
        await Cli.RunAsync(["network", "create", .. OwnLabels(), name], cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Attaches <paramref name="container"/> to <paramref name="network"/>.</summary>
    public Task ConnectAsync(string network, string container, CancellationToken cancellationToken) =>
        Cli.RunAsync(["network", "connect", network, container], cancellationToken);

    /// <summary>Detaches <paramref name="container"/> from <paramref name="network"/>.</summary>
    public Task DisconnectAsync(string network, string container, CancellationToken cancellationToken) =>
        Cli.RunAsync(["network", "disconnect", network, container], cancellationToken);

    /// <summary>
    /// Polls <c>http://ipAddress:port/</c> until it answers 200 and returns the body; only for containers
    /// the test started. Gives up after <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="TimeoutException">No 200 within <paramref name="timeout"/>; the message has the last failure.</exception>
    public static async Task<string> WaitForHttpAsync(string ipAddress, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var uri = new Uri($"http://{ipAddress}:{port.ToString(CultureInfo.InvariantCulture)}/");
        var started = TimeProvider.System.GetTimestamp();
        string lastFailure;
        do
        {
            try
            {
                using var response = await Http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                lastFailure = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                lastFailure = ex.Message;
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                lastFailure = "request timed out: " + ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
        while (TimeProvider.System.GetElapsedTime(started) < timeout);

        throw new TimeoutException($"{uri} did not answer 200 within {timeout.TotalSeconds:0.#} s; last failure: {lastFailure}");
    }

    /// <summary>Force-removes every container and network labelled with this fixture's <see cref="RunId"/>.</summary>
    public Task RemoveAllAsync(CancellationToken cancellationToken) => RemoveLabelledAsync(Cli, $"{RunLabel}={RunId}", cancellationToken);

    private static async Task RemoveLabelledAsync(DockerCli cli, string label, CancellationToken cancellationToken)
    {
        var containers = await ListAsync(cli, ["ps", "--all", "--quiet", "--filter", $"label={label}"], cancellationToken).ConfigureAwait(false);
        if (containers.Length > 0)
        {
            await cli.RunAsync(["rm", "--force", "--volumes", .. containers], cancellationToken).ConfigureAwait(false);
        }

        var networks = await ListAsync(cli, ["network", "ls", "--quiet", "--filter", $"label={label}"], cancellationToken).ConfigureAwait(false);
        if (networks.Length > 0)
        {
            await cli.RunAsync(["network", "rm", .. networks], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string[]> ListAsync(DockerCli cli, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        (await cli.RunAsync(arguments, cancellationToken).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Removes this process's containers and networks once it has ended, from a detached shell: the test
    /// runner may kill its host before ProcessExit handlers finish.
    /// </summary>
    private static async Task WatchProcessExitAsync()
    {
        var cli = await DockerEngine.SharedAsync(CancellationToken.None).ConfigureAwait(false);
        var docker = $"{DetachedShell.Quote(Processes.ProcessRunner.FindOnPath("docker") ?? "docker")} --host {DetachedShell.Quote(cli.Endpoint)}";
        var filter = DetachedShell.Quote($"label={ProcessLabel}={ProcessToken}");
        var cleanup = $"""
            {docker} ps --all --quiet --filter {filter} | xargs -r {docker} rm --force --volumes
            {docker} network ls --quiet --filter {filter} | xargs -r {docker} network rm
            """;
        await DetachedShell.WatchProcessExitAsync(cleanup, "true", CancellationToken.None).ConfigureAwait(false);
    }

    private static IReadOnlyDictionary<string, string> IpAddresses(JsonElement inspected)
    {
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        if (inspected.GetProperty("NetworkSettings").TryGetProperty("Networks", out var networks) && networks.ValueKind == JsonValueKind.Object)
        {
            foreach (var network in networks.EnumerateObject())
            {
                var ip = network.Value.TryGetProperty("IPAddress", out var value) ? value.GetString() : null;
                if (!string.IsNullOrEmpty(ip))
                {
                    addresses[network.Name] = ip;
                }
            }
        }

        return addresses;
    }

    private static string Duration(TimeSpan value) => $"{(long)value.TotalMilliseconds}ms";

    private string[] OwnLabels() => ["--label", $"{RunLabel}={RunId}", "--label", $"{ProcessLabel}={ProcessToken}"];
}
