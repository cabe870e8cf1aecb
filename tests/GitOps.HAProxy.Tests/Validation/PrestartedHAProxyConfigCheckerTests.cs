using GitOps.HAProxy.Validation;
using Xunit;

namespace GitOps.HAProxy.Tests.Validation;

public sealed class PrestartedHAProxyConfigCheckerTests
{
    [Fact]
    public async Task CheckAsync_TextsInTurn_EachJudgedOnItsOwn()
    {
        await using var checker = new PrestartedHAProxyConfigChecker();

        var first = await checker.CheckAsync(CheckerConfigs.Valid, CancellationToken.None);
        var second = await checker.CheckAsync(CheckerConfigs.DuplicateServer, CancellationToken.None);
        var third = await checker.CheckAsync(CheckerConfigs.Valid, CancellationToken.None);

        Assert.True(first.IsValid, first.Output);
        Assert.False(second.IsValid);
        Assert.Contains(second.Alerts, a => a.Contains("haproxy.cfg:13", StringComparison.Ordinal) && a.Contains("web-1", StringComparison.Ordinal));
        Assert.True(third.IsValid, third.Output);
    }

    [Fact]
    public async Task CheckAsync_Concurrently_EachJudgedOnItsOwn()
    {
        await using var checker = new PrestartedHAProxyConfigChecker();
        var texts = Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? CheckerConfigs.Valid : CheckerConfigs.DuplicateServer).ToList();

        var results = await Task.WhenAll(texts.Select(t => checker.CheckAsync(t, CancellationToken.None)));

        Assert.Equal([true, false, true, false, true, false], results.Select(r => r.IsValid));
    }

    [Fact]
    public async Task CheckAsync_HAProxyMissing_ErrorNamesSetupScript()
    {
        await using var checker = new PrestartedHAProxyConfigChecker("haproxy-not-installed-here");

        var exception = await Assert.ThrowsAsync<HAProxyNotFoundException>(() => checker.CheckAsync(CheckerConfigs.Valid, CancellationToken.None));

        Assert.Contains("haproxy-not-installed-here", exception.Message, StringComparison.Ordinal);
    }
}
