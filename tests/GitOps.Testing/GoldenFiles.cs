using Xunit;

namespace GitOps.Testing;

/// <summary>
/// Expected files under <c>testassets/&lt;scenario&gt;/</c> in a test project's source tree. A normal run
/// compares exactly; <c>GITOPS_UPDATE_GOLDEN=1</c> rewrites them from the actual output first.
/// </summary>
/// <param name="testProject">The test project whose <c>testassets</c> folder holds the files, e.g. <c>GitOps.HAProxy.Tests</c>.</param>
public sealed class GoldenFiles(string testProject)
{
    public const string UpdateVariable = "GITOPS_UPDATE_GOLDEN";

    private readonly Lazy<string> _directory = new(() => FindAssets(testProject));

    public string PathOf(string scenario, string file) => Path.Combine(_directory.Value, scenario, file);

    public string? ReadOptional(string scenario, string file)
    {
        var path = PathOf(scenario, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>The text of a file the scenario needs as input; its absence fails the test with the path.</summary>
    public string Read(string scenario, string file) =>
        ReadOptional(scenario, file) ?? throw new FileNotFoundException($"{PathOf(scenario, file)} is missing.");

    public void AssertMatches(string scenario, string file, string actual)
    {
        var path = PathOf(scenario, file);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests once with {UpdateVariable}=1 to create it, then review it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string FindAssets(string testProject)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, testProject + ".csproj")))
            {
                return Path.Combine(directory.FullName, "testassets");
            }
        }

        throw new InvalidOperationException($"The source directory of {testProject} was not found above {AppContext.BaseDirectory}.");
    }
}
