using GitOps.Testing.Git;

namespace GitOps.Cli.Tests;

/// <summary>The project's examples/repo-layout, committed into a fresh real git repository.</summary>
internal static class ExampleRepository
{
    public const string CertificatePath = "/etc/gitops/certs/example.pem";

    public static string SourceDirectory
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "GitOps.sln")))
                {
                    return Path.Combine(directory.FullName, "examples", "repo-layout");
                }
            }

            throw new InvalidOperationException($"GitOps.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Copies the example into <paramref name="repo"/>, optionally pointing the TLS service at another certificate, and commits it.</summary>
    public static async Task<string> CommitAsync(GitRepoBuilder repo, string? certificate = null)
    {
        foreach (var file in Directory.EnumerateFiles(SourceDirectory, "*.yaml", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(SourceDirectory, file).Replace('\\', '/');
            var text = await File.ReadAllTextAsync(file);
            repo.WriteFile(relative, certificate is null ? text : text.Replace(CertificatePath, certificate, StringComparison.Ordinal));
        }

        return await repo.CommitAsync("Example desired state");
    }
}
