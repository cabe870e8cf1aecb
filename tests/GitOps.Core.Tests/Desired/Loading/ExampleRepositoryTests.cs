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
    public void Load_ExampleWithTheHighlyAvailablePairUncommented_BuildsTheGroup()
    {
        var settings = File.ReadAllText(Path.Combine(TestRepository.ExamplePath, DesiredStateLoader.SettingsPath));
        var lines = settings.Split('\n');
        var begin = Array.IndexOf(lines, "# BEGIN HA EXAMPLE");
        var end = Array.IndexOf(lines, "# END HA EXAMPLE");
        Assert.True(begin >= 0 && end > begin + 1, "the HA example block is missing from examples/repo-layout/gitops.yaml");
        var uncommented = lines.Select((line, i) => i > begin && i < end ? line[2..] : line);

        var result = DesiredStateLoader.Load(TestRepository.ExampleWith(DesiredStateLoader.SettingsPath, string.Join('\n', uncommented)));

        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(
            new VirtualAddressModel { Address = "192.0.2.10", PrefixLength = 24, Interface = "eth0", Hosts = GitOps.Core.Collections.ValueList.Create("lb1", "lb2"), RouterId = 1 },
            Assert.Single(result.State!.Settings.VirtualAddresses));
    }

    [Fact]
    public void Load_ExampleRepository_BuildsTheModel()
    {
        var state = DesiredStateLoader.Load(TestRepository.Example()).State!;

        Assert.Equal(["lb1", "lb2"], state.Settings.Hosts.Select(h => h.Name));
        Assert.Equal(["192.0.2.11", "192.0.2.12"], state.Settings.Hosts.Select(h => h.Address));
        Assert.Empty(state.Settings.VirtualAddresses);
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
        Assert.Equal(ClientAddressMode.Header, web.Backend.ClientAddress);
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
