namespace GitOps.Testing.Time;

/// <summary>
/// Waiting on something observable (an event stored, a line printed, a process gone): checks it until it holds, up to
/// a generous bound that only a broken system reaches, and then fails saying what was awaited and last seen. Never a
/// way to let time pass before asserting that nothing happened: that needs a later observable point, or a fake clock.
/// </summary>
public static class Poll
{
    /// <summary>The bound when none is given: far beyond any healthy wait, even on a loaded machine.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private static readonly object Holds = new();

    /// <summary>Checks <paramref name="probe"/> (every <paramref name="interval"/>, 50 ms by default) until it returns non-null; returns that.</summary>
    /// <exception cref="TimeoutException">Not within the bound; the message has <paramref name="failure"/>'s description.</exception>
    public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T?>> probe, Func<string> failure, TimeSpan? bound = null, CancellationToken cancellationToken = default, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(failure);
        var limit = bound ?? DefaultBound;
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (await probe(cancellationToken).ConfigureAwait(false) is { } value)
            {
                return value;
            }

            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Not within {limit.TotalSeconds:0.#} s: {failure()}");
            }

            await Task.Delay(interval ?? Interval, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks <paramref name="condition"/> until it holds.</summary>
    /// <exception cref="TimeoutException">Not within the bound.</exception>
    public static Task UntilAsync(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan? bound = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(async ct => await condition(ct).ConfigureAwait(false) ? Holds : null, () => "waiting for " + what, bound, cancellationToken);
    }

    /// <summary>Checks <paramref name="condition"/> until it holds.</summary>
    /// <exception cref="TimeoutException">Not within the bound.</exception>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? bound = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(_ => Task.FromResult(condition() ? Holds : null), () => "waiting for " + what, bound, cancellationToken);
    }
}
