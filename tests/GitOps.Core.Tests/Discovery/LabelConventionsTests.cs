using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using Xunit;

namespace GitOps.Core.Tests.Discovery;

public sealed class LabelConventionsTests
{
    private static ObservedContainer Container(params (string Key, string Value)[] labels) => new()
    {
        Id = "ab01",
        Name = "app-1",
        State = "running",
        Labels = new ValueMap(labels.Select(l => KeyValuePair.Create(l.Key, l.Value))),
    };

    [Fact]
    public void Matches_AllSelectorLabelsEqual_True()
    {
        var selector = new ValueMap([KeyValuePair.Create("com.docker.compose.project", "shop"), KeyValuePair.Create("com.docker.compose.service", "web")]);
        var container = Container(("com.docker.compose.project", "shop"), ("com.docker.compose.service", "web"), ("other", "x"));

        Assert.True(LabelConventions.Matches(selector, container.Labels));
    }

    [Theory]
    [InlineData("shop", "api")]
    [InlineData("Shop", "web")]
    public void Matches_AnyLabelDiffers_False(string project, string service)
    {
        var selector = new ValueMap([KeyValuePair.Create("com.docker.compose.project", "shop"), KeyValuePair.Create("com.docker.compose.service", "web")]);

        Assert.False(LabelConventions.Matches(selector, Container(("com.docker.compose.project", project), ("com.docker.compose.service", service)).Labels));
    }

    [Fact]
    public void Matches_EmptySelector_False() =>
        Assert.False(LabelConventions.Matches(ValueMap.Empty, Container(("a", "b")).Labels));

    [Theory]
    [InlineData("Y")]
    [InlineData("y")]
    [InlineData("yes")]
    [InlineData("TRUE")]
    [InlineData("True")]
    public void ReadSeed_EnabledValues_ReturnsPorts(string enable)
    {
        var diagnostics = new List<Diagnostic>();

        var seed = LabelConventions.ReadSeed(Container(("lb.enable", enable), ("lb.publish", "80"), ("lb.target", "8080")), diagnostics);

        Assert.Equal(new SeedTarget(80, 8080), seed);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("N")]
    [InlineData("no")]
    [InlineData("false")]
    public void ReadSeed_DisabledValues_NullWithoutDiagnostic(string enable)
    {
        var diagnostics = new List<Diagnostic>();

        Assert.Null(LabelConventions.ReadSeed(Container(("lb.enable", enable), ("lb.publish", "80"), ("lb.target", "8080")), diagnostics));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void ReadSeed_NoEnableLabel_NullWithoutDiagnostic()
    {
        var diagnostics = new List<Diagnostic>();

        Assert.Null(LabelConventions.ReadSeed(Container(("lb.publish", "80")), diagnostics));
        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("eighty")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("80\nbind :1")]
    [InlineData("80 #")]
    [InlineData("\"80\"")]
    [InlineData(" 80")]
    [InlineData("")]
    public void ReadSeed_BadPublishValue_DiagnosticNamesContainerAndLabel(string publish)
    {
        var diagnostics = new List<Diagnostic>();

        var seed = LabelConventions.ReadSeed(Container(("lb.enable", "Y"), ("lb.publish", publish), ("lb.target", "8080")), diagnostics);

        Assert.Null(seed);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiscoveryDiagnostics.InvalidSeedLabel, diagnostic.Code);
        Assert.StartsWith("container 'app-1': label 'lb.publish' value '", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', diagnostic.Message);
    }

    [Fact]
    public void ReadSeed_BadTarget_ExactMessage()
    {
        var diagnostics = new List<Diagnostic>();

        LabelConventions.ReadSeed(Container(("lb.enable", "yes"), ("lb.publish", "80"), ("lb.target", "http")), diagnostics);

        Assert.Equal(
            "error GITOPS310: container 'app-1': label 'lb.target' value 'http' is not a port number 1-65535; set it to the port the container listens on, e.g. lb.target=8080. The container is not served.",
            Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void ReadSeed_MissingLabelsAndOddEnable_ReportEach()
    {
        var missing = new List<Diagnostic>();
        LabelConventions.ReadSeed(Container(("lb.enable", "Y")), missing);
        var odd = new List<Diagnostic>();
        LabelConventions.ReadSeed(Container(("lb.enable", "maybe"), ("lb.publish", "80"), ("lb.target", "80")), odd);

        Assert.Equal(["lb.publish", "lb.target"], missing.Select(d => d.Message.Split('\'')[3]));
        Assert.Contains("label 'lb.enable' has the value 'maybe'", Assert.Single(odd).Message, StringComparison.Ordinal);
    }
}
