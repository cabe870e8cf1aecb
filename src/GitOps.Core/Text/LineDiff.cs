using System.Text;

namespace GitOps.Core.Text;

/// <summary>
/// Line-based differences between two texts (Myers' O(ND) algorithm) and their unified-diff
/// rendering, as <c>diff -u</c> and <c>git diff</c> print them.
/// </summary>
/// <remarks>
/// Not DiffPlex (1.9): its differ finds equally short edit scripts but picks other ones, so the hunks that
/// <c>gitops diff</c> prints would change (testassets/line-diff/block-moved: it keeps the first block and
/// adds before it removes, where <c>diff -u</c> and this code keep the second), and its unified renderer
/// counts the text after the last line break as a line of its own.
/// </remarks>
public static class LineDiff
{
    /// <summary>The edit script turning <paramref name="before"/> into <paramref name="after"/>, line by line.</summary>
    public static IReadOnlyList<DiffLine> Compute(string before, string after)
    {
        var a = SplitLines(before);
        var b = SplitLines(after);
        return Compute(a, b);
    }

    /// <summary>Renders a unified diff with <paramref name="context"/> lines around each change; empty when the texts are equal.</summary>
    public static string Unified(string before, string after, string beforeLabel, string afterLabel, int context = 3)
    {
        var lines = Compute(before, after);
        if (lines.All(l => l.Kind == DiffKind.Same))
        {
            return string.Empty;
        }

        var output = new StringBuilder();
        output.Append("--- ").Append(beforeLabel).Append('\n');
        output.Append("+++ ").Append(afterLabel).Append('\n');
        foreach (var hunk in Hunks(lines, context))
        {
            AppendHunk(output, lines, hunk.Start, hunk.End);
        }

        return output.ToString();
    }

    /// <summary>Counts of added and removed lines.</summary>
    public static (int Added, int Removed) Count(IReadOnlyList<DiffLine> lines) =>
        (lines.Count(l => l.Kind == DiffKind.Added), lines.Count(l => l.Kind == DiffKind.Removed));

    internal static string[] SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private static List<DiffLine> Compute(string[] a, string[] b)
    {
        // Trim the common prefix and suffix first: config changes are usually small and local.
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        var result = new List<DiffLine>(Math.Max(a.Length, b.Length));
        for (var i = 0; i < prefix; i++)
        {
            result.Add(new DiffLine(DiffKind.Same, a[i], i + 1, i + 1));
        }

        var middle = Myers(a.AsSpan(prefix, a.Length - prefix - suffix).ToArray(), b.AsSpan(prefix, b.Length - prefix - suffix).ToArray());
        foreach (var line in middle)
        {
            result.Add(line with
            {
                OldNumber = line.OldNumber == 0 ? 0 : line.OldNumber + prefix,
                NewNumber = line.NewNumber == 0 ? 0 : line.NewNumber + prefix,
            });
        }

        for (var i = suffix; i > 0; i--)
        {
            result.Add(new DiffLine(DiffKind.Same, a[^i], a.Length - i + 1, b.Length - i + 1));
        }

        return result;
    }

    private static List<DiffLine> Myers(string[] a, string[] b)
    {
        int n = a.Length, m = b.Length, max = n + m;
        var trace = new List<int[]>();
        var v = new int[(2 * max) + 2];
        var found = max == 0;
        for (var d = 0; d <= max && !found; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y])
                {
                    x++;
                    y++;
                }

                v[max + k] = x;
                if (x >= n && y >= m)
                {
                    found = true;
                    break;
                }
            }
        }

        // Walk the trace backwards to recover the edit script.
        var script = new List<DiffLine>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0 && (cx > 0 || cy > 0); d--)
        {
            var vd = trace[d];
            var k = cx - cy;
            var prevK = k == -d || (k != d && vd[max + k - 1] < vd[max + k + 1]) ? k + 1 : k - 1;
            var prevX = d == 0 ? 0 : vd[max + prevK];
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY)
            {
                script.Add(new DiffLine(DiffKind.Same, a[cx - 1], cx, cy));
                cx--;
                cy--;
            }

            if (d == 0)
            {
                break;
            }

            if (cx == prevX)
            {
                script.Add(new DiffLine(DiffKind.Added, b[cy - 1], 0, cy));
                cy--;
            }
            else
            {
                script.Add(new DiffLine(DiffKind.Removed, a[cx - 1], cx, 0));
                cx--;
            }
        }

        script.Reverse();
        return script;
    }

    private static IEnumerable<(int Start, int End)> Hunks(IReadOnlyList<DiffLine> lines, int context)
    {
        var start = -1;
        var end = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind == DiffKind.Same)
            {
                continue;
            }

            var from = Math.Max(0, i - context);
            var to = Math.Min(lines.Count, i + context + 1);
            if (start >= 0 && from <= end)
            {
                end = Math.Max(end, to);
            }
            else
            {
                if (start >= 0)
                {
                    yield return (start, end);
                }

                start = from;
                end = to;
            }
        }

        if (start >= 0)
        {
            yield return (start, end);
        }
    }

    private static void AppendHunk(StringBuilder output, IReadOnlyList<DiffLine> lines, int start, int end)
    {
        var oldStart = 0;
        var newStart = 0;
        int oldCount = 0, newCount = 0;
        for (var i = start; i < end; i++)
        {
            var line = lines[i];
            if (line.Kind != DiffKind.Added)
            {
                oldCount++;
                oldStart = oldStart == 0 ? line.OldNumber : oldStart;
            }

            if (line.Kind != DiffKind.Removed)
            {
                newCount++;
                newStart = newStart == 0 ? line.NewNumber : newStart;
            }
        }

        // Unified format numbers an empty side by the line before it.
        oldStart = oldCount == 0 ? PrecedingNumber(lines, start, old: true) : oldStart;
        newStart = newCount == 0 ? PrecedingNumber(lines, start, old: false) : newStart;
        output.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
        for (var i = start; i < end; i++)
        {
            var line = lines[i];
            output.Append(line.Kind switch { DiffKind.Added => '+', DiffKind.Removed => '-', _ => ' ' }).Append(line.Text).Append('\n');
        }
    }

    private static int PrecedingNumber(IReadOnlyList<DiffLine> lines, int start, bool old)
    {
        for (var i = start - 1; i >= 0; i--)
        {
            var number = old ? lines[i].OldNumber : lines[i].NewNumber;
            if (number > 0)
            {
                return number;
            }
        }

        return 0;
    }

    private static string Range(int start, int count) => count == 1 ? $"{start}" : $"{start},{count}";
}
