namespace GitOps.Docker.Tests.Discovery;

/// <summary>
/// Real time, except that timers created while the gate is closed start only once it opens: a test can keep a
/// watcher in its reconnect backoff for exactly as long as it needs.
/// </summary>
internal sealed class GatedTimeProvider : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<GatedTimer> pending = [];
    private bool closed;

    /// <summary>Timers created while closed and not yet started.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    public void Close()
    {
        lock (gate)
        {
            closed = true;
        }
    }

    public void Open()
    {
        lock (gate)
        {
            closed = false;
            foreach (var timer in pending)
            {
                timer.Start();
            }

            pending.Clear();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (gate)
        {
            if (!closed)
            {
                return System.CreateTimer(callback, state, dueTime, period);
            }

            var timer = new GatedTimer(callback, state, dueTime, period);
            pending.Add(timer);
            return timer;
        }
    }

    private sealed class GatedTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) : ITimer
    {
        private readonly Lock gate = new();
        private ITimer? inner;
        private bool disposed;

        public void Start()
        {
            lock (gate)
            {
                if (!disposed)
                {
                    inner = System.CreateTimer(callback, state, dueTime, period);
                }
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (gate)
            {
                return inner?.Change(dueTime, period) ?? !disposed;
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                disposed = true;
                inner?.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
