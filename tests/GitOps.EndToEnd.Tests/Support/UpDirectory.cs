using System.Globalization;
using GitOps.EventStore.Local;
using GitOps.Processes;

namespace GitOps.EndToEnd.Tests.Support;

/// <summary>
/// A temp data directory for <c>gitops up</c> (short, so its socket paths fit). Disposing stops what a killed
/// <c>up</c> may have left behind (HAProxy named by its pid file, the private PostgreSQL) and deletes it.
/// </summary>
internal sealed class UpDirectory : IAsyncDisposable
{
    public UpDirectory()
    {
        Root = Directory.CreateTempSubdirectory("gitops-e2e-").FullName;
        // The private PostgreSQL runs as user postgres, which must be able to walk down to <data>/postgres.
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The end-to-end tests run gitops on Linux.");
        }

        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Root { get; }

    public string Data => Path.Combine(Root, "data");

    public string RunDirectory => Path.Combine(Data, "run");

    public string MasterSocket => Path.Combine(RunDirectory, "master.sock");

    public string ConfigPath(string host) => Path.Combine(Data, "hosts", host, "haproxy", "haproxy.cfg");

    public async ValueTask DisposeAsync()
    {
        foreach (var pidFile in Directory.EnumerateFiles(Root, "haproxy.pid", SearchOption.AllDirectories))
        {
            if (int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                await ProcessRunner.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        if (await LocalPostgres.ConnectionStringIfRunningAsync(Data, CancellationToken.None) is not null)
        {
            await using var server = await LocalPostgres.StartAsync(Data);
            await server.StopAsync(CancellationToken.None);
        }

        Directory.Delete(Root, recursive: true);
    }
}
