using GitOps.HAProxy.Validation;
using Xunit;

namespace GitOps.HAProxy.Tests.Validation;

public sealed class HAProxyConfigCheckerTests
{
    [Fact]
    public async Task CheckAsync_ValidConfig_Valid()
    {
        var result = await new HAProxyConfigChecker().CheckAsync(CheckerConfigs.Valid, CancellationToken.None);

        Assert.True(result.IsValid, result.Output);
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Alerts);
    }

    [Fact]
    public async Task CheckAsync_DuplicateServerName_InvalidWithAlertNamingTheLine()
    {
        var text = CheckerConfigs.DuplicateServer;

        var result = await new HAProxyConfigChecker().CheckAsync(text, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.Alerts, a => a.Contains("haproxy.cfg:13", StringComparison.Ordinal) && a.Contains("web-1", StringComparison.Ordinal));
        Assert.DoesNotContain("gitops-check-", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_TextLargerThanAPipeBuffer_ReadToTheEnd()
    {
        // The text reaches haproxy through a pipe (64 KiB on Linux): an error on the last line proves all of it was read.
        var text = new System.Text.StringBuilder(CheckerConfigs.Valid);
        for (var i = 0; i < 2_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    server extra-{i} 127.0.0.1:{10_000 + i}\n");
        }

        text.Append("    server web-1 127.0.0.1:8082\n");
        var lastLine = text.ToString().Count(c => c == '\n');
        Assert.True(text.Length > 65_536);

        var result = await new HAProxyConfigChecker().CheckAsync(text.ToString(), CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Contains(result.Alerts, a => a.Contains($"haproxy.cfg:{lastLine}", StringComparison.Ordinal) && a.Contains("web-1", StringComparison.Ordinal));
        Assert.DoesNotContain("/dev/stdin", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_UnknownKeyword_Invalid()
    {
        var result = await new HAProxyConfigChecker().CheckAsync(CheckerConfigs.Valid.Replace("mode http", "rspdel ^Server", StringComparison.Ordinal), CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Alerts);
        Assert.All(result.Alerts, a => Assert.StartsWith("[ALERT]", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_HAProxyMissing_ErrorNamesSetupScript()
    {
        var checker = new HAProxyConfigChecker("haproxy-not-installed-here");

        var exception = await Assert.ThrowsAsync<HAProxyNotFoundException>(() => checker.CheckAsync(CheckerConfigs.Valid, CancellationToken.None));

        Assert.Contains("deploy/setup.sh", exception.Message, StringComparison.Ordinal);
        Assert.Contains("haproxy-not-installed-here", exception.Message, StringComparison.Ordinal);
    }
}
