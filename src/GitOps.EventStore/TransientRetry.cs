using GitOps.EventStore.Errors;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GitOps.EventStore;

/// <summary>
/// Retries an operation that failed transiently — as Npgsql classifies it (<see cref="NpgsqlException.IsTransient"/>),
/// nothing else — with exponential backoff, and turns a database that stays away into an
/// <see cref="EventStoreUnavailableException"/>.
/// </summary>
internal sealed class TransientRetry(EventStoreOptions options, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>
    /// Whether Npgsql calls <paramref name="exception"/> transient, also when Marten wrapped it: a connection lost
    /// inside <c>SaveChangesAsync</c> surfaces as a <see cref="MartenCommandException"/> around the Npgsql one.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is NpgsqlException { IsTransient: true }
            or MartenCommandException { InnerException: NpgsqlException { IsTransient: true } }
            || IsNoWritableHost(exception);

    /// <summary>
    /// Npgsql's answers for a connection string naming several hosts (<c>Host=a,b;Target Session Attributes=read-write</c>)
    /// when none of them will do at the moment: every host refused the connection ("Unable to connect to a suitable
    /// host", each host's failure inside), or the hosts that answered are standbys ("No suitable host was found": the
    /// primary is down and the standby not promoted yet, or promoted but still known as a standby until Npgsql checks it
    /// again, <c>Host Recheck Seconds</c>). A failover in progress, so as transient as a restart.
    /// </summary>
    private static bool IsNoWritableHost(Exception exception) =>
        exception is NpgsqlException npgsql and not PostgresException
        && (npgsql.InnerException is AggregateException { InnerExceptions.Count: > 0 } hosts
            ? hosts.InnerExceptions.All(IsTransient)
            : npgsql.InnerException is null && npgsql.Message.StartsWith("No suitable host was found", StringComparison.Ordinal));

    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based), doubling up to the maximum.</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 16));
        var delay = TimeSpan.FromMilliseconds(options.RetryDelay.TotalMilliseconds * factor);
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    public Task DelayAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(DelayFor(attempt), timeProvider, cancellationToken);

    public async Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= options.RetryAttempts)
                {
                    throw Unavailable(operation, ex);
                }

                EventStoreLog.TransientFailure(logger, operation, attempt, options.RetryAttempts, (long)DelayFor(attempt).TotalMilliseconds, ErrorText.OneLine(ex));
                await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private EventStoreUnavailableException Unavailable(string operation, Exception exception)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var where = builder.Host is null ? "the configured server" : $"{builder.Host}:{builder.Port}";
        return new EventStoreUnavailableException(
            $"The event store database at {where} is unavailable ({operation} failed {options.RetryAttempts} times): {ErrorText.OneLine(exception)}",
            exception);
    }
}
