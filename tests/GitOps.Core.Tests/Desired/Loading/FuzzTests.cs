using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary>
/// Mutates the example repository a fixed number of times (seeded, so a failure replays) and checks
/// the loader's contract: no exception, and either a state with no errors or errors that all
/// carry a location in one of the input files.
/// </summary>
public sealed class FuzzTests
{
    // A count, not a time budget: every machine runs the same mutations, however loaded it is.
    private const int Iterations = 1000;

    private static readonly string[] HostileScalars =
    [
        "\"a\\nb\"", "'x'\"", "${VAR}", "&a", "*a", "!!binary x", "[", "{", "}", "- -", "? x", "|", ">-", "\"\\u2028\"",
        "99999999999999999999", "-1", "0", "1.5e300", "~", "null", "true", "\"\"", "%TAG", "@", "`", "0x10", ".inf",
    ];

    private static readonly char[] HostileChars = [':', '-', '[', ']', '{', '}', '"', '\'', '\t', '\n', '\r', '#', '&', '*', '!', '|', '>', '%', '@', '`', ',', '?', ' ', '\0', '\uFFFD', '\u2028', '\uFEFF', 'x', '9'];

    [Fact]
    public void Load_MutatedExamples_NeverThrowsAndAlwaysLocatesErrors()
    {
        var example = TestRepository.Example();
        var random = new Random(20240607);
        var rejected = 0;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var target = random.Next(example.Count);
            var content = example[target].Content;
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                content = Mutate(content, random);
            }

            var files = example.Select((f, i) => i == target ? f with { Content = content } : f).ToList();
            DesiredStateLoadResult result;
            try
            {
                result = DesiredStateLoader.Load(files);
            }
            catch (Exception exception)
            {
                Assert.Fail($"iteration {iteration}: {exception}\n--- {files[target].Path}\n{content}");
                throw;
            }

            if (result.State is null)
            {
                rejected++;
                Assert.NotEmpty(result.Errors);
            }
            else
            {
                Assert.Empty(result.Errors);
            }

            foreach (var diagnostic in result.Diagnostics)
            {
                Assert.True(diagnostic.Location is { Line: >= 1, Column: >= 1 } location && files.Any(f => f.Path == location.File), $"unlocated: {diagnostic}\n{content}");
            }
        }

        Assert.True(rejected > Iterations / 10, $"only {rejected} of {Iterations} mutations were rejected: the mutations are too weak");
    }

    private static string Mutate(string content, Random random)
    {
        var lines = content.Split('\n').ToList();
        switch (random.Next(6))
        {
            case 0 when content.Length > 0:
                var start = random.Next(content.Length);
                return content.Remove(start, Math.Min(random.Next(1, 8), content.Length - start));
            case 1:
                return content.Insert(random.Next(content.Length + 1), HostileChars[random.Next(HostileChars.Length)].ToString());
            case 2 when lines.Count > 1:
                var a = random.Next(lines.Count);
                var b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            case 3:
                var i = random.Next(lines.Count);
                lines[i] = random.Next(2) == 0 ? new string(' ', random.Next(1, 5)) + lines[i] : lines[i].TrimStart();
                return string.Join('\n', lines);
            case 4:
                var j = random.Next(lines.Count);
                var colon = lines[j].IndexOf(": ", StringComparison.Ordinal);
                if (colon >= 0)
                {
                    lines[j] = lines[j][..(colon + 2)] + HostileScalars[random.Next(HostileScalars.Length)];
                }

                return string.Join('\n', lines);
            default:
                var k = random.Next(lines.Count);
                lines.Insert(k, lines[random.Next(lines.Count)]);
                return string.Join('\n', lines);
        }
    }
}
