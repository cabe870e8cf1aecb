using GitOps.Core.Text;
using GitOps.Testing;
using Xunit;

namespace GitOps.Core.Tests.Text;

/// <summary>
/// The exact unified diffs <c>gitops diff</c> prints, pinned byte for byte under <c>testassets/line-diff/&lt;case&gt;/</c>:
/// which of several equally short edit scripts is shown, the order of removed and added lines, hunk ranges and merging.
/// </summary>
public sealed class LineDiffGoldenTests
{
    private static readonly GoldenFiles Golden = new("GitOps.Core.Tests");

    [Theory]
    [InlineData("adjacent-changes")]
    [InlineData("blank-lines-shift")]
    [InlineData("block-moved")]
    [InlineData("haproxy-services-replaced")]
    [InlineData("haproxy-tls-added")]
    [InlineData("hunks-merge-across-six")]
    [InlineData("hunks-split-across-seven")]
    [InlineData("interleaved-edits")]
    [InlineData("new-file")]
    [InlineData("no-final-newline")]
    [InlineData("removed-file")]
    [InlineData("repeated-block-removed")]
    public void Unified_Case_IsTheGoldenDiff(string name)
    {
        var scenario = Path.Combine("line-diff", name);

        var diff = LineDiff.Unified(Golden.Read(scenario, "before.cfg"), Golden.Read(scenario, "after.cfg"), "a/lb1.cfg (base)", "b/lb1.cfg (head)");

        Golden.AssertMatches(scenario, "expected.diff", diff);
    }
}
