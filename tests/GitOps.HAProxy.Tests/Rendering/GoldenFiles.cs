using Xunit;

namespace GitOps.HAProxy.Tests.Rendering;

/// <summary>
/// Expected files under <c>testassets/&lt;scenario&gt;/</c> in the source tree. A normal run compares
/// exactly; <c>GITOPS_UPDATE_GOLDEN=1</c> rewrites them from the actual output first.
/// </summary>
internal static class GoldenFiles
{
    public const string UpdateVariable = "GITOPS_UPDATE_GOLDEN";

    public static string Directory { get; } = FindAssets();

    public static string PathOf(string scenario, string file) => Path.Combine(Directory, scenario, file);

    public static string? ReadOptional(string scenario, string file)
    {
        var path = PathOf(scenario, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public static void AssertMatches(string scenario, string file, string actual)
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

    private static string FindAssets()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GitOps.HAProxy.Tests.csproj")))
            {
                return Path.Combine(directory.FullName, "testassets");
            }
        }

        throw new InvalidOperationException($"The source directory of GitOps.HAProxy.Tests was not found above {AppContext.BaseDirectory}.");
    }
}
