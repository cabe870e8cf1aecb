using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Testing.Git;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

/// <summary>
/// What keeps <c>up</c>, <c>agent</c> or <c>controller</c> from starting is one line on standard error that names the item
/// and the fix, with exit code 2 and no stack trace: a port another program holds, HAProxy or PostgreSQL not installed, a
/// Docker engine that does not answer, a repository that is not one, a store that does not answer. Through the real command
/// tree against a real store, real HAProxy and real git repositories; each run is bounded, so a command that would keep
/// running instead of failing ends (exit 0) and fails the test.
/// </summary>
public sealed partial class StartupFailureTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Up_ServicePortHeldByAnotherProgram_OneLineNamingPortServiceAndFix()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        await using var repo = await RepositoryAsync("h-" + Guid.NewGuid().ToString("N")[..8], ("web", port));
        using var directory = new TempDirectory();

        var result = await RunBoundedAsync(UpArguments(repo, directory, "--store", database.ConnectionString));

        AssertOneErrorLine(
            result,
            $"gitops: error: port {Number(port)} is already in use by another program, so HAProxy of host '",
            $"cannot listen on 127.0.0.1:{Number(port)} for service 'web': stop that program (`ss -ltnp 'sport = :{Number(port)}'` names it), " +
            "or give 'web' another listen.port in its services/*.yaml");
    }

    [Fact]
    public async Task Up_StatisticsPortHeldByAnotherProgram_OneLineNamingTheStatisticsPage()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var statsPort = ((IPEndPoint)other.LocalEndpoint).Port;
        var host = "h-" + Guid.NewGuid().ToString("N")[..8];
        await using var repo = await RepositoryAsync(host, ("web", LoopbackPorts.GetFree()));
        await repo.WriteFile("gitops.yaml", Settings(host) + $"stats:\n  port: {Number(statsPort)}\n  bind: 127.0.0.1\n").CommitAsync("stats page");
        using var directory = new TempDirectory();

        var result = await RunBoundedAsync(UpArguments(repo, directory, "--store", database.ConnectionString));

        AssertOneErrorLine(
            result,
            $"gitops: error: port {Number(statsPort)} is already in use by another program, so HAProxy of host '{host}' cannot listen on 127.0.0.1:{Number(statsPort)} " +
            $"for the statistics page: stop that program (`ss -ltnp 'sport = :{Number(statsPort)}'` names it), or give the statistics page another stats.port in gitops.yaml");
    }

    [Fact]
    public async Task Agent_PortHeldByAnotherProgram_RecordsTheFailureAndExitsTwoWithOneLine()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        var host = "h-" + Guid.NewGuid().ToString("N")[..8];
        using var directory = new TempDirectory();
        var runtime = Path.Combine(directory.Path, "run");
        await using (var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString }))
        {
            var declared = new DesiredStateObserved { Commit = "c1", Author = "Ann", Message = "api", Files = ValueList.Create(new RepositoryFile("gitops.yaml", Settings(host))) };
            await store.AppendAsync(StreamNames.Desired, ExpectedVersion.Any, new NewEvent(declared), CancellationToken.None);
            var text = $"""
                global
                    stats socket {runtime}/admin.sock mode 600 level admin expose-fd listeners
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend fe_{Number(port)}
                    bind 127.0.0.1:{Number(port)}
                    default_backend api
                backend api
                    server s1 127.0.0.1:9

                """;
            var rendered = new ConfigRendered { Host = host, Version = 1, Sha256 = GitOps.Core.Text.ContentHash.Sha256Hex(text), Text = text, Commit = "c1" };
            await store.AppendAsync(StreamNames.Config(host), ExpectedVersion.Any, new NewEvent(rendered), CancellationToken.None);
        }

        var result = await RunBoundedAsync(
            "agent", "--host", host, "--store", database.ConnectionString, "--data-dir", directory.Path, "--runtime-dir", runtime, "--docker", "none", "--stop-haproxy-on-exit");

        AssertOneErrorLine(
            result,
            $"gitops: error: port {Number(port)} is already in use by another program, so HAProxy of host '{host}' cannot listen on 127.0.0.1:{Number(port)} " +
            $"for service 'api': stop that program (`ss -ltnp 'sport = :{Number(port)}'` names it), or give 'api' another listen.port in its services/*.yaml");
        var status = await CliRunner.RunAsync("status", "--store", database.ConnectionString);
        Assert.Matches($@"(?m)^{host}\s+1\s+-\s+failed\s+\S+ \S+ port {Number(port)} is already in use by another program", status.Output);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("agent")]
    [InlineData("controller")]
    public async Task LongRunningCommand_HAProxyNotInstalled_OneLineNamingTheProgramAndFix(string command)
    {
        await using var repo = await RepositoryAsync("lb1", ("web", LoopbackPorts.GetFree()));
        using var directory = new TempDirectory();
        var missing = Path.Combine(directory.Path, "no-such-dir", "haproxy");
        string[] arguments = command switch
        {
            "up" => UpArguments(repo, directory, "--store", database.ConnectionString),
            "agent" => ["agent", "--host", "lb1", "--store", database.ConnectionString, "--data-dir", directory.Path, "--docker", "none"],
            _ => ["controller", "--repo", repo.WorkTree, "--store", database.ConnectionString],
        };

        var result = await RunBoundedAsync([.. arguments, "--haproxy", missing]);

        AssertOneErrorLine(
            result,
            $"gitops: error: HAProxy is not installed at {missing} (--haproxy): install the haproxy package (deploy/setup.sh, or apt-get install haproxy), " +
            "or point --haproxy at the haproxy program");
    }

    [Fact]
    public async Task Up_PostgresNotInstalled_OneLineNamingTheDirectoryAndFix()
    {
        await using var repo = await RepositoryAsync("lb1", ("web", LoopbackPorts.GetFree()));
        using var directory = new TempDirectory();
        var missing = Path.Combine(directory.Path, "no-postgres", "bin");

        var result = await RunBoundedAsync([.. UpArguments(repo, directory), "--postgres-bin", missing]);

        AssertOneErrorLine(
            result,
            $"gitops: error: No PostgreSQL server binaries (initdb, pg_ctl) in {missing} (--postgres-bin); install the postgresql package (deploy/setup.sh), " +
            "point --postgres-bin at the directory holding them, or pass --store with a connection string.");
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "data")), "nothing is created before the checks pass");
    }

    [Theory]
    [InlineData("up")]
    [InlineData("agent")]
    public async Task LongRunningCommand_DockerEngineDoesNotAnswer_OneLineNamingTheEndpointAndFix(string command)
    {
        await using var repo = await RepositoryAsync("lb1", ("web", LoopbackPorts.GetFree()));
        using var directory = new TempDirectory();
        var socket = Path.Combine(directory.Path, "no-docker.sock");
        string[] arguments = command == "up"
            ? ["up", "--repo", repo.WorkTree, "--data-dir", Path.Combine(directory.Path, "data"), "--store", database.ConnectionString]
            : ["agent", "--host", "lb1", "--store", database.ConnectionString, "--data-dir", directory.Path];

        var result = await RunBoundedAsync([.. arguments, "--docker", "unix://" + socket]);

        AssertOneErrorLine(
            result,
            $"gitops: error: no Docker engine answers at unix://{socket} (--docker): there is no socket at {socket}; is dockerd running, and is this the endpoint it listens on? " +
            "Start dockerd or correct --docker, or pass --docker none to run without container discovery");
    }

    [Theory]
    [InlineData("up")]
    [InlineData("agent")]
    public async Task LongRunningCommand_DockerTlsKeyMissing_OneLineNamingTheFileAndFlag(string command)
    {
        await using var repo = await RepositoryAsync("lb1", ("web", LoopbackPorts.GetFree()));
        using var directory = new TempDirectory();
        var ca = Path.Combine(directory.Path, "ca.pem");
        var cert = Path.Combine(directory.Path, "cert.pem");
        var key = Path.Combine(directory.Path, "key.pem");
        await using var certificates = new GitOps.Testing.Tls.CertificateFixture();
        await certificates.InitializeAsync();
        File.Copy(certificates.PathOf("site"), ca);
        File.Copy(certificates.PathOf("site"), cert);
        string[] arguments = command == "up"
            ? ["up", "--repo", repo.WorkTree, "--data-dir", Path.Combine(directory.Path, "data"), "--store", database.ConnectionString]
            : ["agent", "--host", "lb1", "--store", database.ConnectionString, "--data-dir", directory.Path];

        var result = await RunBoundedAsync([.. arguments, "--docker", "tcp://127.0.0.1:2376", "--docker-tls-ca", ca, "--docker-tls-cert", cert, "--docker-tls-key", key]);

        AssertOneErrorLine(result, $"gitops: error: --docker-tls-key: cannot read the Docker TLS client key '{key}': no such file");
    }

    [Fact]
    public async Task Up_RepositoryPathIsNotAGitRepository_OneLineNamingThePathAndFix()
    {
        using var directory = new TempDirectory();
        var notARepository = Directory.CreateDirectory(Path.Combine(directory.Path, "plain")).FullName;

        var result = await RunBoundedAsync("up", "--repo", notARepository, "--data-dir", Path.Combine(directory.Path, "data"), "--store", database.ConnectionString, "--docker", "none");

        AssertOneErrorLine(
            result,
            $"gitops: error: '{notARepository}' is not a git repository: neither it nor a parent directory holds a .git; --repo names the desired-state repository: " +
            "a git work tree (or a directory in one), a bare repository or a URL (`gitops up` takes the current directory when --repo is not given)");
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("controller")]
    public async Task LongRunningCommand_StoreDoesNotAnswer_OneLineNamingTheServerAndFixWithoutStackTrace(string command)
    {
        await using var repo = await RepositoryAsync("lb1", ("web", LoopbackPorts.GetFree()));
        using var directory = new TempDirectory();
        var port = Number(LoopbackPorts.GetFree());
        var store = $"Host=127.0.0.1;Port={port};Username=gitops;Database=gitops";
        string[] arguments = command == "agent"
            ? ["agent", "--host", "lb1", "--store", store, "--data-dir", directory.Path, "--docker", "none"]
            : ["controller", "--repo", repo.WorkTree, "--store", store];

        var result = await RunBoundedAsync(arguments);

        AssertOneErrorLine(
            result,
            $"gitops: error: The event store database at 127.0.0.1:{port} is unavailable (",
            $"): Failed to connect to 127.0.0.1:{port}: Connection refused (--store); start that PostgreSQL, or correct --store");
    }

    /// <summary>
    /// Exit code 2; on standard error, besides log lines below Error (a command's progress and retries), exactly one line,
    /// the error, made of <paramref name="parts"/> in turn (with anything between them); no stack trace anywhere.
    /// </summary>
    private static void AssertOneErrorLine(CliResult result, params string[] parts)
    {
        var transcript = $"\nstdout:\n{result.Output}\nstderr:\n{result.Error}";
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}, not 2.{transcript}");
        var errors = result.ErrorLines.Where(l => !LogBelowError().IsMatch(l)).ToList();
        Assert.True(errors.Count == 1, $"{errors.Count} error lines, not 1.{transcript}");
        var line = errors[0];
        var at = 0;
        foreach (var part in parts)
        {
            var found = line.IndexOf(part, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"\"{part}\" is not in the error line (from column {at}):\n{line}");
            Assert.True(at > 0 || found == 0, $"The error line does not start with \"{part}\":\n{line}");
            at = found + part.Length;
        }

        Assert.True(line.Length == at, $"The error line goes on after \"{parts[^1]}\":\n{line}");
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> RunBoundedAsync(params string[] arguments)
    {
        using var bound = new CancellationTokenSource(Bound);
        return await CliRunner.RunAsync(bound.Token, arguments);
    }

    private static string[] UpArguments(GitRepoBuilder repo, TempDirectory directory, params string[] more) =>
        ["up", "--repo", repo.WorkTree, "--data-dir", Path.Combine(directory.Path, "data"), "--bind", "127.0.0.1", "--docker", "none", .. more];

    /// <summary>A repository declaring <paramref name="host"/> with one static http service per (name, port).</summary>
    private static async Task<GitRepoBuilder> RepositoryAsync(string host, params (string Name, int Port)[] services)
    {
        var repo = await GitRepoBuilder.CreateAsync();
        repo.WriteFile("gitops.yaml", Settings(host));
        foreach (var (name, port) in services)
        {
            repo.WriteFile($"services/{name}.yaml", $"apiVersion: gitops/v1\nkind: Service\nname: {name}\nlisten: {{ port: {Number(port)}, mode: http }}\n" +
                                                    "backend:\n  servers:\n    - { name: s1, address: 127.0.0.1:9 }\n");
        }

        await repo.CommitAsync("services");
        return repo;
    }

    private static string Settings(string host) => $"apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: {host}\n";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3} (VRB|DBG|INF|WRN) ")]
    private static partial Regex LogBelowError();
}
