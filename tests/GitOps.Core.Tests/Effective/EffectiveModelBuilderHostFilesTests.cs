using GitOps.Core.Desired.Loading;
using GitOps.Core.Diagnostics;
using GitOps.Core.Effective;
using GitOps.Core.Hosts;
using GitOps.Core.Tests.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Effective;

/// <summary>The example repository rendered for a host whose agent reported on the TLS certificate of service 'shop'.</summary>
public sealed class EffectiveModelBuilderHostFilesTests
{
    private const string Certificate = "/etc/gitops/certs/example.pem";

    [Fact]
    public void Build_CertificateMissingOnTheHost_LeavesOnlyThatServiceOutWithAnErrorNamingFileHostPathAndFix()
    {
        var desired = DesiredStateLoader.Load(TestRepository.Example()).State!;

        var config = EffectiveModelBuilder.Build(desired, "lb1", [], [new HostFileFact { Path = Certificate, State = HostFileState.Missing }]);

        Assert.Equal(["api", "postgres", "web"], config.Services.Select(s => s.Name));
        Assert.Equal(
            "services/shop.yaml:11:18: error GITOPS405: service 'shop' is not served on host 'lb1': its TLS certificate " +
            "'/etc/gitops/certs/example.pem' does not exist there. Put the file at that path on 'lb1', readable by the agent, or change " +
            "'listen.tls.certificate'; once the agent sees the file, the service is served again without a restart.",
            Assert.Single(config.Diagnostics).ToString());
        var required = Assert.Single(config.RequiredFiles);
        Assert.Equal(
            new RequiredFile { Path = Certificate, Service = "shop", What = "TLS certificate", Setting = "listen.tls.certificate", Source = new SourceLocation("services/shop.yaml", 11, 18), Problem = "does not exist" },
            required);
    }

    [Fact]
    public void Build_CertificateUnreadable_SaysWhy()
    {
        var desired = DesiredStateLoader.Load(TestRepository.Example()).State!;

        var config = EffectiveModelBuilder.Build(desired, "lb2", [], [new HostFileFact { Path = Certificate, State = HostFileState.Unreadable, Detail = "permission denied" }]);

        Assert.DoesNotContain(config.Services, s => s.Name == "shop");
        Assert.Contains("on host 'lb2': its TLS certificate '/etc/gitops/certs/example.pem' cannot be read (permission denied) there.", Assert.Single(config.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_CertificatePresentOrNotReportedYet_ServesTheServiceAndListsTheFile(bool reported)
    {
        var desired = DesiredStateLoader.Load(TestRepository.Example()).State!;
        HostFileFact[]? facts = reported ? [new HostFileFact { Path = Certificate, State = HostFileState.Present, Sha256 = "ab" }] : null;

        var config = EffectiveModelBuilder.Build(desired, "lb1", [], facts);

        Assert.Equal(["api", "postgres", "shop", "web"], config.Services.Select(s => s.Name));
        Assert.Empty(config.Diagnostics);
        Assert.Null(Assert.Single(config.RequiredFiles).Problem);
        Assert.Equal(EffectiveModelBuilder.Build(desired, "lb1", []), config);
    }
}
