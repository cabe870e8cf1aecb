using GitOps.Core.Discovery;
using GitOps.Core.Events;

namespace GitOps.Docker.Tests.Discovery;

/// <summary>Keeps every published change and lets a test wait for one; can hold the publisher on a chosen change.</summary>
internal sealed class RecordingSink : IDiscoverySink
{
    private readonly Lock gate = new();
    private readonly List<IDiscoveryEvent> changes = [];
    private readonly List<(Func<IDiscoveryEvent, bool> Match, TaskCompletionSource<IDiscoveryEvent> Found)> waiters = [];
    private Func<IDiscoveryEvent, bool>? holdOn;
    private TaskCompletionSource? held;
    private TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<IDiscoveryEvent> Changes
    {
        get
        {
            lock (gate)
            {
                return [.. changes];
            }
        }
    }

    public async Task PublishAsync(IDiscoveryEvent discoveryEvent, CancellationToken cancellationToken)
    {
        Task? wait = null;
        lock (gate)
        {
            changes.Add(discoveryEvent);
            foreach (var waiter in waiters.Where(w => w.Match(discoveryEvent)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Found.TrySetResult(discoveryEvent);
            }

            if (holdOn is not null && holdOn(discoveryEvent))
            {
                holdOn = null;
                held?.TrySetResult();
                wait = release.Task;
            }
        }

        if (wait is not null)
        {
            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Makes the publisher wait, once, inside the call that publishes a change matching <paramref name="match"/>; returns a task completing when it does.</summary>
    public Task HoldOn(Func<IDiscoveryEvent, bool> match)
    {
        lock (gate)
        {
            holdOn = match;
            held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return held.Task;
        }
    }

    public void Release()
    {
        lock (gate)
        {
            release.TrySetResult();
        }
    }

    /// <summary>The first change (already published or still to come) matching <paramref name="match"/>.</summary>
    public Task<IDiscoveryEvent> WaitForAsync(Func<IDiscoveryEvent, bool> match, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(match, timeout, 0, cancellationToken);

    /// <summary>The first change at or after position <paramref name="from"/> matching <paramref name="match"/>.</summary>
    public async Task<IDiscoveryEvent> WaitForAsync(Func<IDiscoveryEvent, bool> match, TimeSpan timeout, int from, CancellationToken cancellationToken)
    {
        Task<IDiscoveryEvent> found;
        lock (gate)
        {
            var existing = changes.Skip(from).FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            var source = new TaskCompletionSource<IDiscoveryEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, source));
            found = source.Task;
        }

        try
        {
            return await found.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching change within {timeout.TotalSeconds:0.#} s. Published so far:\n{string.Join('\n', Changes)}");
        }
    }
}
