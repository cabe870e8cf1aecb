using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary><c>defaults.timeouts</c>: the connect timeout of container backends follows a written <c>connect</c>.</summary>
public sealed class TimeoutsLoadingTests
{
    [Theory]
    [InlineData("defaults: { compression: true }", 5000, 1000)]
    [InlineData("defaults: { timeouts: { client: 20s } }", 5000, 1000)]
    [InlineData("defaults: { timeouts: { connect: 3s } }", 3000, 3000)]
    [InlineData("defaults: { timeouts: { connect: 200ms } }", 200, 200)]
    public void Load_Timeouts_ContainerConnectIsOneSecondUnlessConnectIsWritten(string defaults, int connectMs, int containerConnectMs)
    {
        var result = DesiredStateLoader.Load([new RepositoryFile("gitops.yaml", $"apiVersion: gitops/v1\nkind: Settings\n{defaults}\n")]);

        Assert.Empty(result.Diagnostics);
        var timeouts = result.State!.Settings.Defaults.Timeouts;
        Assert.Equal(TimeSpan.FromMilliseconds(connectMs), timeouts.Connect);
        Assert.Equal(TimeSpan.FromMilliseconds(containerConnectMs), timeouts.ContainerConnect);
    }
}
