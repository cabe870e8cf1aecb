using Microsoft.Extensions.Time.Testing;

namespace GitOps.Testing.Time;

/// <summary>
/// A fake clock (<see cref="FakeTimeProvider"/>) whose waits can be seen. It counts the timers the code under test
/// creates (each <c>Task.Delay</c> and timed <c>CancellationTokenSource</c> on it is one) and knows which still wait,
/// so a test waits until the code waits on the clock, then advances it: a loop is driven one step at a time, and
/// "nothing happened in N steps" is proven by counting steps, not hoped for after a sleep.
/// </summary>
public sealed class SteppedClock : TimeProvider
{
    private readonly FakeTimeProvider fake = new();
    private readonly Lock gate = new();
    private readonly List<SteppedTimer> timers = [];

    public override long TimestampFrequency => fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    /// <summary>Timers armed and not yet fired or disposed.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return timers.Count(t => t.IsWaiting);
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override long GetTimestamp() => fake.GetTimestamp();

    /// <summary>How many timers were created due <paramref name="dueTime"/> after their creation.</summary>
    public int Created(TimeSpan dueTime)
    {
        lock (gate)
        {
            return timers.Count(t => t.DueTime == dueTime);
        }
    }

    /// <summary>How many timers due <paramref name="dueTime"/> after their creation wait now.</summary>
    public int WaitingFor(TimeSpan dueTime)
    {
        lock (gate)
        {
            return timers.Count(t => t.DueTime == dueTime && t.IsWaiting);
        }
    }

    /// <summary>Moves the clock forward, firing (on this thread) every timer that falls due.</summary>
    public void Advance(TimeSpan by) => fake.Advance(by);

    /// <summary>Waits (in real time, bounded) until the count of timers created due <paramref name="dueTime"/> reaches <paramref name="count"/>.</summary>
    public Task WaitUntilCreatedAsync(TimeSpan dueTime, int count, CancellationToken cancellationToken = default) =>
        Poll.UntilAsync(() => Created(dueTime) >= count, $"{count} timers due in {dueTime.TotalMilliseconds} ms (created: {Created(dueTime)})", cancellationToken: cancellationToken);

    /// <summary>
    /// Advances by <paramref name="step"/> each time something waits on the clock, until <paramref name="task"/> ends;
    /// fails after <paramref name="maxSteps"/> steps.
    /// </summary>
    public async Task AdvanceUntilDoneAsync(Task task, TimeSpan step, int maxSteps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        for (var steps = 0; !task.IsCompleted; steps++)
        {
            if (steps == maxSteps)
            {
                throw new TimeoutException($"Still running after {maxSteps} steps of {step.TotalMilliseconds} ms of the fake clock.");
            }

            await Poll.UntilAsync(() => task.IsCompleted || Waiting > 0, "the code under test to wait on the clock or end", cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!task.IsCompleted)
            {
                Advance(step);
            }
        }

        await task.ConfigureAwait(false);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SteppedTimer(gate, dueTime, period);
        timer.Start(fake.CreateTimer(
            s =>
            {
                timer.Fire();
                callback(s);
            },
            state,
            dueTime,
            period));
        lock (gate)
        {
            timers.Add(timer);
        }

        return timer;
    }

    private sealed class SteppedTimer(Lock gate, TimeSpan dueTime, TimeSpan period) : ITimer
    {
        private ITimer? inner;
        private bool armed = dueTime != Timeout.InfiniteTimeSpan;
        private bool disposed;

        public TimeSpan DueTime { get; } = dueTime;

        public bool IsWaiting
        {
            get
            {
                lock (gate)
                {
                    return armed && !disposed;
                }
            }
        }

        public void Start(ITimer timer) => inner = timer;

        public void Fire()
        {
            lock (gate)
            {
                // A periodic timer waits again for its next period.
                armed = period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (gate)
            {
                armed = dueTime != Timeout.InfiniteTimeSpan;
            }

            return inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (gate)
            {
                disposed = true;
            }

            inner!.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
