using System.Security.Cryptography;
using GitOps.Processes;

namespace GitOps.Testing.Network;

/// <summary>
/// A network namespace a test creates (<c>ip netns add</c>) and deletes again, also when the test fails or the test
/// process ends without disposing it. Names carry a random prefix per test run (<see cref="NewPrefix"/>), so runs never
/// collide and whatever a crashed run left is recognisable. Commands run inside it through <c>ip netns exec</c>.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private readonly IDisposable exitHook;

    private NetworkNamespace(string name)
    {
        Name = name;
        exitHook = ProcessExitHooks.Register($"network namespace {name}", () => Delete(name));
    }

    public string Name { get; }

    /// <summary>
    /// A prefix unique to one test run: <c>g</c> and five hex digits. Short, since interface names built on it must fit
    /// Linux's 15 characters.
    /// </summary>
    public static string NewPrefix() => "g" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))[..5];

    /// <summary>Creates namespace <paramref name="name"/> with its loopback up.</summary>
    /// <exception cref="InvalidOperationException">The namespace could not be made (not root, no iproute2); the message says why.</exception>
    public static async Task<NetworkNamespace> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        await IpAsync(["netns", "add", name], cancellationToken).ConfigureAwait(false);
        var created = new NetworkNamespace(name);
        try
        {
            await created.IpAsync(["link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
            return created;
        }
        catch
        {
            await created.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The command line that runs <paramref name="command"/> inside this namespace.</summary>
    public IReadOnlyList<string> Exec(params IEnumerable<string> command) => ["ip", "netns", "exec", Name, .. command];

    /// <summary>
    /// The process that runs <paramref name="command"/> inside the namespace, not started yet, its output redirected;
    /// the caller starts, reads, kills and disposes it.
    /// </summary>
    public System.Diagnostics.Process Prepare(params IEnumerable<string> command)
    {
        var line = Exec(command);
        var startInfo = new System.Diagnostics.ProcessStartInfo(line[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in line.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        return new System.Diagnostics.Process { StartInfo = startInfo };
    }

    /// <summary>Runs <c>ip -n &lt;name&gt; arguments…</c> and fails with its output when it fails.</summary>
    public Task IpAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        IpAsync(["-n", Name, .. arguments], cancellationToken);

    /// <summary>Runs a command inside the namespace to completion.</summary>
    public async Task<ProcessResult> RunAsync(IEnumerable<string> command, CancellationToken cancellationToken = default)
    {
        var line = Exec(command);
        return await ProcessRunner.RunAsync(line[0], line.Skip(1), new ProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <c>ip arguments…</c> in the test's own namespace and fails with its output when it fails.</summary>
    public static async Task IpAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = await ProcessRunner.RunAsync("ip", arguments, new ProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'ip {string.Join(' ', arguments)}' failed ({result.ExitCode}): {result.StandardError.Trim()} — network namespace tests need root and iproute2 (deploy/setup.sh).");
        }
    }

    public ValueTask DisposeAsync()
    {
        Delete(Name);
        exitHook.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Delete(string name)
    {
        // Synchronous: it also runs from the process-exit hook. Deleting the namespace removes the links inside it.
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", ["netns", "delete", name])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        });
        process?.WaitForExit(TimeSpan.FromSeconds(10));
    }
}
