namespace GitOps.Testing;

/// <summary>
/// Cleanup that must run when the test process ends even if a fixture was never disposed
/// (a crashed test, an aborted run). Hooks run in reverse registration order and never throw.
/// </summary>
internal static class ProcessExitHooks
{
    private static readonly Lock Gate = new();
    private static readonly List<Hook> Hooks = [];
    private static bool installed;

    /// <summary>Registers <paramref name="cleanup"/>; dispose the result once the cleanup already happened normally.</summary>
    public static IDisposable Register(string description, Action cleanup)
    {
        var hook = new Hook(description, cleanup);
        lock (Gate)
        {
            if (!installed)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
                installed = true;
            }

            Hooks.Add(hook);
        }

        return new Registration(hook);
    }

    private static void RunAll()
    {
        Hook[] hooks;
        lock (Gate)
        {
            hooks = [.. Hooks];
            Hooks.Clear();
        }

        foreach (var hook in hooks.Reverse())
        {
            try
            {
                hook.Cleanup();
            }
#pragma warning disable CA1031 // One failing cleanup must not stop the others at process exit; there is nobody left to throw to.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Console.Error.WriteLine($"Process-exit cleanup '{hook.Description}' failed: {ex.Message}");
            }
        }
    }

    private sealed record Hook(string Description, Action Cleanup);

    private sealed class Registration(Hook hook) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
            {
                Hooks.Remove(hook);
            }
        }
    }
}
