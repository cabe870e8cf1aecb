using GitOps.EndToEnd.Tests.Support;
using GitOps.HAProxy.Runtime;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Tls;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// <c>gitops up</c> on a machine that lacks the TLS certificate one service names: every other service is served, the
/// commands say which service is left out and how to fix it, and the service comes back when the file appears.
/// </summary>
public sealed class HostFilesScenarioTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Up_CertificateMissingOnTheHost_ServesTheOtherServicesSaysWhyAndServesItOnceTheFileAppears()
    {
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var site = new LoopbackHttpServer("site-backend");
        await using var shop = new LoopbackHttpServer("shop-backend");
        var ports = LoopbackPorts.GetFree(2);
        var (sitePort, shopPort) = (ports[0], ports[1]);
        var certificate = Path.Combine(directory.Root, "certs", "shop.pem");
        await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", sitePort, site.Port))
            .WriteFile("services/shop.yaml", ServiceYaml.Tls("shop", shopPort, shop.Port, certificate))
            .CommitAsync("site, and shop over TLS");
        await using var up = GitOpsProcess.Start(
            "up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--bind", "127.0.0.1", "--docker", "none");

        // Every other service is served; shop is named with its file, line, host, path and fix.
        await up.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(90));
        await Eventually.ServedAsync(sitePort, "site-backend", Converge, up.Transcript);
        var why = $"services/shop.yaml:8:18: error GITOPS405: service 'shop' is not served on host 'local': its TLS certificate '{certificate}' does not exist there. " +
                  "Put the file at that path on 'local', readable by the agent, or change 'listen.tls.certificate'";
        await up.WaitForOutputAsync("shop: NOT served: " + why, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("NOT applied", up.Output, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => LoopbackHttpClient.GetStringOverTlsAsync(shopPort));
        var status = await Eventually.UntilAsync(
            async () => (await GitOpsProcess.RunAsync("status", "--data-dir", directory.Data)).StandardOutput is var text && text.Contains("not served: " + why, StringComparison.Ordinal) ? text : null,
            Converge,
            up.Transcript);
        Assert.Matches(@"\nlocal\s+\d+\s+\d+\s+converged", status);
        var history = await GitOpsProcess.RunAsync("history", "--data-dir", directory.Data, "--host", "local");
        Assert.Contains("not served: " + why, history.StandardOutput, StringComparison.Ordinal);
        var master = (await ShowProcAsync(directory)).Master.Pid;

        // The file appears: shop is served over TLS, by the same HAProxy and the same `up`, and nothing is left out any more.
        Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
        File.Copy(certificates.PathOf("site"), certificate);
        await Eventually.ServedAsync(shopPort, "shop-backend", Converge, up.Transcript, tls: true);
        Assert.Equal("site-backend", (await LoopbackHttpClient.GetStringAsync(sitePort)).Trim());
        Assert.Equal(master, (await ShowProcAsync(directory)).Master.Pid);
        Assert.False(up.HasExited);
        await up.WaitForOutputAsync($"shop: https://127.0.0.1:{shopPort}/ → 1 static server", TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(
            async () => (await GitOpsProcess.RunAsync("status", "--data-dir", directory.Data)).StandardOutput is var text
                        && !text.Contains("not served", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(text, @"\nlocal\s+\d+\s+\d+\s+converged") ? text : null,
            Converge,
            up.Transcript);

        Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(60)));
    }

    private static async Task<HAProxyProcessList> ShowProcAsync(UpDirectory directory) =>
        ShowProcParser.Parse(await new HAProxySocketClient(TimeSpan.FromSeconds(5)).SendAsync(directory.MasterSocket, "show proc", CancellationToken.None));
}
