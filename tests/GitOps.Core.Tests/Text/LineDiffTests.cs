using GitOps.Core.Text;
using GitOps.Processes;
using Xunit;

namespace GitOps.Core.Tests.Text;

public sealed class LineDiffTests
{
    [Fact]
    public void Unified_EqualTexts_IsEmpty()
    {
        Assert.Equal(string.Empty, LineDiff.Unified("a\nb\n", "a\nb\n", "a", "b"));
    }

    [Fact]
    public void Unified_OneChangedLine_IsOneHunkWithContext()
    {
        var before = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 5\n", "line five\n", StringComparison.Ordinal);

        var diff = LineDiff.Unified(before, after, "base/lb1.cfg", "head/lb1.cfg");

        Assert.Equal(
            "--- base/lb1.cfg\n+++ head/lb1.cfg\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n",
            diff);
    }

    [Theory]
    [InlineData("a\nb\nc\n", "a\nc\n")]
    [InlineData("", "x\ny\n")]
    [InlineData("x\ny\n", "")]
    [InlineData("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n")]
    [InlineData("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\n")]
    public async Task Unified_SimpleEdits_MatchesGnuDiff(string before, string after)
    {
        var directory = Directory.CreateTempSubdirectory("gitops-diff-");
        try
        {
            var left = Path.Combine(directory.FullName, "before");
            var right = Path.Combine(directory.FullName, "after");
            await File.WriteAllTextAsync(left, before);
            await File.WriteAllTextAsync(right, after);
            var gnu = await ProcessRunner.RunAsync("diff", ["-u", "--label", "before", "--label", "after", left, right]);

            Assert.Equal(gnu.StandardOutput, LineDiff.Unified(before, after, "before", "after"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Compute_RandomTexts_ScriptRebuildsBothSidesWithMinimalEdits()
    {
        var random = new Random(42);
        for (var round = 0; round < 500; round++)
        {
            var a = RandomLines(random);
            var b = RandomLines(random);

            var script = LineDiff.Compute(a, b);

            Assert.Equal(LineDiff.SplitLines(a), script.Where(l => l.Kind != DiffKind.Added).Select(l => l.Text));
            Assert.Equal(LineDiff.SplitLines(b), script.Where(l => l.Kind != DiffKind.Removed).Select(l => l.Text));
            var (added, removed) = LineDiff.Count(script);
            var lcs = LongestCommonSubsequence(LineDiff.SplitLines(a), LineDiff.SplitLines(b));
            Assert.Equal(LineDiff.SplitLines(a).Length - lcs, removed);
            Assert.Equal(LineDiff.SplitLines(b).Length - lcs, added);
        }
    }

    private static string RandomLines(Random random)
    {
        var count = random.Next(0, 15);
        return string.Concat(Enumerable.Range(0, count).Select(_ => $"{(char)('a' + random.Next(4))}\n"));
    }

    private static int LongestCommonSubsequence(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }

        return table[a.Length, b.Length];
    }
}
