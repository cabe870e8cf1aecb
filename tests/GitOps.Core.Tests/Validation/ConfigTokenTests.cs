using GitOps.Core.Validation;
using Xunit;

namespace GitOps.Core.Tests.Validation;

public sealed class ConfigTokenTests
{
    [Theory]
    [InlineData("web\n")]
    [InlineData("web\r\n")]
    public void IsName_TrailingNewline_IsRejected(string value) => Assert.False(ConfigToken.IsName(value));

    [Theory]
    [InlineData("/etc/x.pem\n", false)]
    [InlineData("/etc/x.pem", true)]
    public void IsAbsoluteFilePath_TrailingNewline_IsRejected(string value, bool expected) => Assert.Equal(expected, ConfigToken.IsAbsoluteFilePath(value));

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10", false)]
    [InlineData("10.1", false)]
    [InlineData("fe80::1%eth0", false)]
    public void IsIpAddress_OnlyFullLiterals(string value, bool expected) => Assert.Equal(expected, ConfigToken.IsIpAddress(value));

    [Theory]
    [InlineData("db.example", true)]
    [InlineData("10", false)]
    [InlineData("1.2.3.4.5", false)]
    public void IsAddress_NumbersAreNotHostNames(string value, bool expected) => Assert.Equal(expected, ConfigToken.IsAddress(value));

    [Theory]
    [InlineData("bridge", true)]
    [InlineData("my_net.1-a", true)]
    [InlineData("-net", false)]
    [InlineData("my net", false)]
    [InlineData("net\n", false)]
    public void IsDockerName_FollowsDockerRules(string value, bool expected) => Assert.Equal(expected, ConfigToken.IsDockerName(value));

    [Theory]
    [InlineData("SRV", true)]
    [InlineData("my_cookie-1", true)]
    [InlineData("a=b", false)]
    [InlineData("a;b", false)]
    [InlineData("", false)]
    public void IsCookieName_OnlyTokenCharacters(string value, bool expected) => Assert.Equal(expected, ConfigToken.IsCookieName(value));

    [Theory]
    [InlineData("my app #1", true)]
    [InlineData("a\u2028b", false)]
    [InlineData("a\u2029b", false)]
    [InlineData("a\nb", false)]
    public void IsLabelText_RejectsLineBreaks(string value, bool expected) => Assert.Equal(expected, ConfigToken.IsLabelText(value));

    [Fact]
    public void Printable_EscapesLineSeparators() => Assert.Equal("a\\u2028b\\u000a", ConfigToken.Printable("a\u2028b\n"));
}
