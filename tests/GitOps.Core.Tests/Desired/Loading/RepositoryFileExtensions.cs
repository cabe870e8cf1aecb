using GitOps.Core.Desired;

namespace GitOps.Core.Tests.Desired.Loading;

internal static class RepositoryFileExtensions
{
    /// <summary>Replaces the <c>backend:</c> line of a file built by the tests.</summary>
    public static RepositoryFile WithBackend(this RepositoryFile file, string backend)
    {
        var lines = file.Content.Split('\n');
        var index = Array.FindIndex(lines, l => l.StartsWith("backend:", StringComparison.Ordinal));
        lines[index] = "backend: " + backend;
        return file with { Content = string.Join('\n', lines) };
    }
}
