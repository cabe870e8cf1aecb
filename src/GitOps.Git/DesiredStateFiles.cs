using System.Text;

namespace GitOps.Git;

/// <summary>
/// Which files of a repository make up the desired state (<c>gitops.yaml</c> and YAML files under
/// <c>services/</c>), and the rules every one of them must pass to become text: bounded size, UTF-8.
/// </summary>
internal static class DesiredStateFiles
{
    public const string SettingsFile = "gitops.yaml";

    public const string ServicesDirectory = "services";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The git pathspecs (literal) selecting the candidates under <paramref name="prefix"/> (empty or ending in '/').</summary>
    public static string[] Pathspecs(string prefix) => [prefix + SettingsFile, prefix + ServicesDirectory];

    /// <summary>Whether a path relative to the desired-state root belongs to the desired state.</summary>
    public static bool Includes(string path) =>
        path == SettingsFile
        || (path.StartsWith(ServicesDirectory + "/", StringComparison.Ordinal)
            && (path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal)));

    /// <exception cref="RepositoryFileException">The file is larger than <paramref name="maxBytes"/>.</exception>
    public static void CheckSize(string path, long size, long maxBytes)
    {
        if (size > maxBytes)
        {
            throw new RepositoryFileException(path, $"file is {size} bytes, more than the {maxBytes} bytes a desired-state file may have");
        }
    }

    /// <summary>Decodes strictly as UTF-8, dropping a leading byte order mark so line and column numbers stay right.</summary>
    /// <exception cref="RepositoryFileException">The bytes are not valid UTF-8.</exception>
    public static string Decode(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return WithoutByteOrderMark(StrictUtf8.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8(path);
        }
    }

    public static string WithoutByteOrderMark(string text) => text.StartsWith('\uFEFF') ? text[1..] : text;

    public static RepositoryFileException NotUtf8(string path) => new(path, "file is not valid UTF-8 text; save it as UTF-8");
}
