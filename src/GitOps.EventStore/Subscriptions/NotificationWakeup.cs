using Microsoft.Extensions.Logging;
using Npgsql;

namespace GitOps.EventStore.Subscriptions;

/// <summary>
/// Listens for the store's commit notifications on a connection of its own and wakes one reader.
/// It only shortens the wait: a reader still polls, so a lost notification or connection costs at
/// most one poll interval. Reconnects by itself; never throws into the reader. A notification names the streams
/// its commit appended to; one that names none wakes every reader, one that names others does not wake a reader of
/// some streams only.
/// </summary>
internal sealed class NotificationWakeup : IAsyncDisposable
{
    /// <summary>Between the stream names of a notification's payload (stream names hold no spaces).</summary>
    public const char StreamSeparator = ' ';

    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly IReadOnlySet<string>? streams;
    private Task loop = Task.CompletedTask;

    private NotificationWakeup(IReadOnlySet<string>? streams)
    {
        this.streams = streams;
    }

    public static NotificationWakeup Start(NpgsqlDataSource dataSource, TransientRetry retry, ILogger logger, IReadOnlySet<string>? streams = null)
    {
        var wakeup = new NotificationWakeup(streams);
        wakeup.loop = Task.Run(() => wakeup.ListenAsync(dataSource, retry, logger, wakeup.stopping.Token));
        return wakeup;
    }

    /// <summary>Waits until a notification arrived since the last wait, or <paramref name="timeout"/> passed.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stopping.Dispose();
        signal.Dispose();
    }

    /// <summary>Whether a notification with <paramref name="payload"/> may concern a reader of <paramref name="streams"/> (null: of every stream).</summary>
    internal static bool Concerns(IReadOnlySet<string>? streams, string payload) =>
        streams is null || payload.Length == 0 || payload.Split(StreamSeparator).Any(streams.Contains);

    private void Signal()
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another notification signalled in between: one pending wake-up is enough.
        }
        catch (ObjectDisposedException)
        {
            // A notification raced the disposal; nobody waits any more.
        }
    }

    private async Task ListenAsync(NpgsqlDataSource dataSource, TransientRetry retry, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (Concerns(streams, e.Payload))
                    {
                        Signal();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {MartenEventStore.NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                attempt = 0;
                // Commits between the reader's last look and LISTEN taking effect sent no notification to us.
                Signal();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background loop never dies of one failure: the reader falls back to polling meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var delay = retry.DelayFor(Math.Max(attempt, 1));
                EventStoreLog.ListenerInterrupted(logger, ex, (long)delay.TotalMilliseconds);
                Signal();
                try
                {
                    await retry.DelayAsync(Math.Max(attempt, 1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
