using System.Security.Cryptography;
using GitOps.Core.Hosts;

namespace GitOps.Reconciler.Agent;

/// <summary>Looks at one path on this host's disk the way HAProxy will: the file must open and read to the end.</summary>
internal static class HostFileProbe
{
    public static async Task<HostFileFact> CheckAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            return new HostFileFact { Path = path, State = HostFileState.Unreadable, Detail = "a directory, not a file" };
        }

        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
                return new HostFileFact { Path = path, State = HostFileState.Present, Sha256 = Convert.ToHexStringLower(hash) };
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new HostFileFact { Path = path, State = HostFileState.Missing };
        }
        catch (UnauthorizedAccessException)
        {
            return new HostFileFact { Path = path, State = HostFileState.Unreadable, Detail = "permission denied" };
        }
        catch (IOException ex)
        {
            return new HostFileFact { Path = path, State = HostFileState.Unreadable, Detail = ex.Message };
        }
    }
}
