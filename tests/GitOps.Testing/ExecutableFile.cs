using GitOps.Processes;

namespace GitOps.Testing;

/// <summary>
/// Writes a script a test runs at once. Writing it from this process would let a child another test forks at that
/// moment inherit the open file until its exec, and running the script then fails with "Text file busy" (ETXTBSY).
/// So the text goes to a side file and <c>install</c>, a child that has exited before this returns, writes the script.
/// </summary>
public static class ExecutableFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, owner-writable and runnable by everyone (0755).</summary>
    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken = default)
    {
        var source = path + ".text";
        await File.WriteAllTextAsync(source, text, cancellationToken).ConfigureAwait(false);
        try
        {
            await ProcessRunner.RunCheckedAsync("install", ["-m", "0755", source, path], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(source);
        }
    }
}
