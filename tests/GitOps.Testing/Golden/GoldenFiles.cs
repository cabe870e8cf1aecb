using Xunit;

namespace GitOps.Testing.Golden;

/// <summary>
/// Expected files under <c>testassets/&lt;scenario&gt;/</c> in a test project's source tree. A normal run compares
/// exactly; <c>GITOPS_UPDATE_GOLDEN=1</c> rewrites them from the actual output first.
/// </summary>
public sealed class GoldenFiles(string testProject)
{
    public const string UpdateVariable = "GITOPS_UPDATE_GOLDEN";

    private readonly Lazy<string> directory = new(() => FindAssets(testProject));

    public string Directory => directory.Value;

    public string PathOf(string scenario, string file) => Path.Combine(Directory, scenario, file);

    public string? ReadOptional(string scenario, string file)
    {
        var path = PathOf(scenario, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public void AssertMatches(string scenario, string file, string actual)
    {
        var path = PathOf(scenario, file);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests once with {UpdateVariable}=1 to create it, then review it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string FindAssets(string testProject)
    {
        for (var current = new DirectoryInfo(AppContext.BaseDirectory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, testProject + ".csproj")))
            {
                return Path.Combine(current.FullName, "testassets");
            }
        }

        throw new InvalidOperationException($"The source directory of {testProject} was not found above {AppContext.BaseDirectory}.");
    }
}
