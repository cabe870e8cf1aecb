namespace GitOps.Cli.Tests;

/// <summary>A directory in the temp folder for one test, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("gitops-cli-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
