using GitOps.Core.Events;
using GitOps.Docker.Client;
using GitOps.Testing.Docker;
using GitOps.Testing.Network;
using GitOps.Docker.Tests.Discovery;
using Xunit;

namespace GitOps.Docker.Tests.Client;

/// <summary>A real dockerd started with <c>--tlsverify</c> on 127.0.0.1, shared by the tests of this class.</summary>
public sealed class TlsDaemonFixture : IAsyncLifetime
{
    public TlsDockerDaemon Daemon { get; private set; } = null!;

    public async Task InitializeAsync() => Daemon = await TlsDockerDaemon.StartNewAsync(CancellationToken.None);

    public async Task DisposeAsync() => await Daemon.DisposeAsync();
}

public sealed class DockerTlsTests(TlsDaemonFixture fixture) : IClassFixture<TlsDaemonFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private TlsDockerDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task Discovery_TlsWithTheEnginesCaAndAClientCertificate_ListsAndWatches()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var endpoint = DockerEndpoint.Parse(Daemon.Endpoint).WithTls(DockerTls.Resolve(Daemon.CaFile, Daemon.CertFile, Daemon.KeyFile, _ => null));
        var running = await Daemon.RunDockerAsync(["run", "--detach", "--name", "over-tls", DockerFixture.ImageName, "sleep", "600"], cts.Token);
        await using var run = new WatcherRun(endpoint);

        var resynced = (DiscoveryResynced)await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);
        Assert.Contains(resynced.Snapshot, c => c.Id == running && c.Name == "over-tls");

        var started = await Daemon.RunDockerAsync(["run", "--detach", "--name", "later", DockerFixture.ImageName, "sleep", "600"], cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == started, Wait, cts.Token);
    }

    [Fact]
    public async Task Client_FromDockerTlsVerifyAndDockerCertPath_Connects()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var directory = new TempCertDirectory();
        File.Copy(Daemon.CaFile, Path.Combine(directory.Path, "ca.pem"));
        File.Copy(Daemon.CertFile, Path.Combine(directory.Path, "cert.pem"));
        File.Copy(Daemon.KeyFile, Path.Combine(directory.Path, "key.pem"));
        var environment = new Dictionary<string, string> { ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = directory.Path };
        var tls = DockerTls.Resolve(null, null, null, name => environment.GetValueOrDefault(name));
        using var client = new DockerEngineClient(DockerEndpoint.Parse(Daemon.Endpoint).WithTls(tls));

        var version = await client.GetVersionAsync(cts.Token);

        Assert.Equal("$DOCKER_CERT_PATH", tls!.CertificateAuthority.Origin);
        Assert.False(string.IsNullOrEmpty(version.Version));
    }

    [Fact]
    public async Task Client_CertificateFromAnotherCa_IsRefusedWithAClearError()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var tls = DockerTls.Resolve(Daemon.CaFile, Daemon.RogueCertFile, Daemon.RogueKeyFile, _ => null);
        using var client = new DockerEngineClient(DockerEndpoint.Parse(Daemon.Endpoint).WithTls(tls));

        var error = await Assert.ThrowsAsync<DockerConnectionException>(() => client.ListContainersAsync(all: false, cts.Token));

        Assert.StartsWith(
            $"cannot reach the Docker engine at {Daemon.Endpoint}: the engine closed the TLS connection; it did not accept the client certificate '{Daemon.RogueCertFile}' ({DockerTls.CertOption})",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_EngineCertificateNotFromTheGivenCa_IsRefusedWithAClearError()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var tls = DockerTls.Resolve(Daemon.RogueCaFile, Daemon.CertFile, Daemon.KeyFile, _ => null);
        using var client = new DockerEngineClient(DockerEndpoint.Parse(Daemon.Endpoint).WithTls(tls));

        var error = await Assert.ThrowsAsync<DockerConnectionException>(() => client.GetVersionAsync(cts.Token));

        Assert.StartsWith(
            $"cannot reach the Docker engine at {Daemon.Endpoint}: the TLS handshake failed: the engine's certificate is not signed by the CA '{Daemon.RogueCaFile}' ({DockerTls.CaOption}) or does not name 127.0.0.1",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_PlainHttpToTheTlsPort_SaysTheEngineSpeaksTls()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new DockerEngineClient(DockerEndpoint.Parse(Daemon.Endpoint));

        var error = await Assert.ThrowsAsync<DockerConnectionException>(() => client.GetVersionAsync(cts.Token));

        Assert.Equal(
            $"cannot reach the Docker engine at {Daemon.Endpoint}: it speaks TLS; name its CA and this client's certificate and key with --docker-tls-ca, --docker-tls-cert and --docker-tls-key, or set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH",
            error.Message);
    }

    private sealed class TempCertDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("gitops-docker-certs-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

public sealed class DockerTlsSettingsTests
{
    [Fact]
    public void Resolve_NothingGivenAndNoDockerTlsVerify_IsOff() =>
        Assert.Null(DockerTls.Resolve(null, null, null, _ => null));

    [Fact]
    public void Resolve_DockerTlsVerifyWithoutCertPath_UsesHomeDotDocker()
    {
        var tls = DockerTls.Resolve(null, null, null, name => name == "DOCKER_TLS_VERIFY" ? "1" : null)!;

        Assert.EndsWith("/.docker/ca.pem", tls.CertificateAuthority.Path, StringComparison.Ordinal);
        Assert.EndsWith("/.docker/key.pem", tls.Key.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTls_TcpWithoutPort_UsesDockersTlsPort()
    {
        var tls = DockerTls.Resolve("/x/ca.pem", "/x/cert.pem", "/x/key.pem", _ => null);

        Assert.Equal(2376, DockerEndpoint.Parse("tcp://docker-host").WithTls(tls).Port);
        Assert.Equal(2375, DockerEndpoint.Parse("tcp://docker-host").Port);
        Assert.Equal(12375, DockerEndpoint.Parse("tcp://docker-host:12375").WithTls(tls).Port);
    }

    [Fact]
    public void WithTls_UnixSocket_IsRefused()
    {
        var tls = DockerTls.Resolve("/x/ca.pem", null, null, _ => null);

        var error = Assert.Throws<FormatException>(() => DockerEndpoint.Parse("unix:///run/docker.sock").WithTls(tls));

        Assert.StartsWith("TLS needs a tcp:// endpoint, but unix:///run/docker.sock is a unix socket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_OneSentenceNamingTheFileAndTheOption()
    {
        var directory = Directory.CreateTempSubdirectory("gitops-tls-").FullName;
        try
        {
            var ca = Path.Combine(directory, "ca.pem");
            var tls = DockerTls.Resolve(ca, Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"), _ => null)!;

            var error = Assert.Throws<DockerTlsException>(tls.Validate);

            Assert.Equal($"--docker-tls-ca: cannot read the Docker TLS CA certificate '{ca}': no such file", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Validate_NotAPemCertificate_SaysSo()
    {
        var directory = Directory.CreateTempSubdirectory("gitops-tls-").FullName;
        try
        {
            var ca = Path.Combine(directory, "ca.pem");
            File.WriteAllText(ca, "not a certificate\n");
            var environment = new Dictionary<string, string> { ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = directory };
            var tls = DockerTls.Resolve(null, null, null, name => environment.GetValueOrDefault(name))!;

            var error = Assert.Throws<DockerTlsException>(tls.Validate);

            Assert.StartsWith($"$DOCKER_CERT_PATH: cannot use the Docker TLS CA certificate '{ca}': it is not a PEM certificate", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
