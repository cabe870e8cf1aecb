using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Core.Diagnostics;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

public sealed class ExampleRepositoryTests
{
    [Fact]
    public void Load_ExampleRepository_HasNoDiagnostics()
    {
        var result = DesiredStateLoader.Load(TestRepository.Example());

        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        Assert.NotNull(result.State);
    }

    [Fact]
    public void Load_ExampleRepository_BuildsTheModel()
    {
        var state = DesiredStateLoader.Load(TestRepository.Example()).State!;

        Assert.Equal(["lb1", "lb2"], state.Settings.Hosts.Select(h => h.Name));
        Assert.Equal(["api", "postgres", "shop", "web"], state.Services.Select(s => s.Name));
        Assert.Equal(new StatsModel { User = "admin", Password = "change-me" }, state.Settings.Stats);
        Assert.Equal("bridge", state.Settings.Discovery.Network);

        var shop = state.Services.Single(s => s.Name == "shop");
        Assert.Equal(new TlsModel { Certificate = "/etc/gitops/certs/example.pem", CertificateSource = new("services/shop.yaml", 11, 18), RedirectFrom = 80 }, shop.Listen.Tls);
        Assert.Equal("frontend", shop.Backend.Discover!.Labels["com.docker.compose.service"]);

        var postgres = state.Services.Single(s => s.Name == "postgres");
        Assert.Equal(["lb1"], state.HostsOf(postgres));
        Assert.Equal(new StaticServerModel { Name = "replica", Address = "2001:db8::20", Port = 5432, Weight = 10 }, postgres.Backend.Servers[1]);
        Assert.Equal(TimeSpan.FromSeconds(1), postgres.Backend.Health!.Interval);

        var web = state.Services.Single(s => s.Name == "web");
        Assert.Equal(new StickyModel { Mode = StickyMode.Cookie, CookieName = "WEBSRV" }, web.Backend.Sticky);
        Assert.True(web.Options.Compression);
        Assert.True(web.Options.ForwardedFor);
    }

    [Fact]
    public void Load_SameFilesTwice_ProducesEqualStates()
    {
        Assert.Equal(DesiredStateLoader.Load(TestRepository.Example()).State, DesiredStateLoader.Load(TestRepository.Example()).State);
    }

    [Fact]
    public void Example_SchemaComments_PointAtExistingSchemas()
    {
        foreach (var file in TestRepository.Example())
        {
            var first = file.Content.Split('\n')[0];
            const string prefix = "# yaml-language-server: $schema=";
            Assert.StartsWith(prefix, first);
            var schema = Path.GetFullPath(Path.Combine(TestRepository.ExamplePath, Path.GetDirectoryName(file.Path)!, first[prefix.Length..]));
            Assert.True(File.Exists(schema), $"{file.Path} points at {schema}, which does not exist");
        }
    }
}
