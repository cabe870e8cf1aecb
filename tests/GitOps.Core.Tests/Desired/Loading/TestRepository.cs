using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary>Builds in-memory repositories and reads the checked-in example repository.</summary>
internal static class TestRepository
{
    public static string Root { get; } = FindRoot();

    public static string ExamplePath => Path.Combine(Root, "examples", "repo-layout");

    /// <summary>Every file of examples/repo-layout, with repository-relative forward-slash paths.</summary>
    public static IReadOnlyList<RepositoryFile> Example() =>
        Directory.EnumerateFiles(ExamplePath, "*", SearchOption.AllDirectories)
            .Select(f => new RepositoryFile(Path.GetRelativePath(ExamplePath, f).Replace('\\', '/'), File.ReadAllText(f)))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();

    /// <summary>The example repository with <paramref name="path"/> replaced (or added) by <paramref name="content"/>.</summary>
    public static IReadOnlyList<RepositoryFile> ExampleWith(string path, string content) =>
        Example().Where(f => f.Path != path).Append(new RepositoryFile(path, content)).ToList();

    /// <summary>Loads the given files and returns every diagnostic as its printed line.</summary>
    public static IReadOnlyList<string> Diagnose(params RepositoryFile[] files) =>
        DesiredStateLoader.Load(files).Diagnostics.Select(d => d.ToString()).ToList();

    /// <summary>Diagnostics of a repository holding only <c>services/web.yaml</c> with <paramref name="content"/>.</summary>
    public static IReadOnlyList<string> DiagnoseService(string content) => Diagnose(new RepositoryFile("services/web.yaml", content));

    /// <summary>A valid minimal http service; tests change one line of it.</summary>
    public const string MinimalService = """
        apiVersion: gitops/v1
        kind: Service
        name: web
        listen: { port: 80, mode: http }
        backend:
          servers:
            - { name: s1, address: "10.0.0.1:80" }
        """;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GitOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"GitOps.sln not found above {AppContext.BaseDirectory}");
    }
}
