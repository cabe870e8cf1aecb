using GitOps.Cli.Commands;
using GitOps.EventStore;
using GitOps.EventStore.Errors;
using GitOps.EventStore.Local;
using GitOps.Reconciler;
using Microsoft.Extensions.Logging;

namespace GitOps.Cli.Store;

/// <summary>
/// Which event store a command uses (DESIGN §7), decided in one place: <c>--store</c>, else
/// <c>GITOPS_STORE</c>, else the private store of <c>--data-dir</c>, else of the default data directory.
/// A private store is only attached to when running; reading never starts a server.
/// </summary>
internal sealed record StoreLocation(string? ConnectionString, string? DataDirectory, string Source)
{
    public static StoreLocation Choose(string? store, string? environment, string? dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(store))
        {
            return new StoreLocation(store, null, "--store");
        }

        if (!string.IsNullOrWhiteSpace(environment))
        {
            return new StoreLocation(environment, null, "$" + EventStoreOptions.ConnectionStringVariable);
        }

        return string.IsNullOrWhiteSpace(dataDirectory)
            ? new StoreLocation(null, Store.DataDirectory.Default(), "the default data directory")
            : new StoreLocation(null, Path.GetFullPath(dataDirectory), "--data-dir");
    }

    /// <summary>The connection string to use.</summary>
    /// <exception cref="CommandInputException">The data directory's private store is not running.</exception>
    public async Task<string> ConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (ConnectionString is not null)
        {
            return ConnectionString;
        }

        return await LocalPostgres.ConnectionStringIfRunningAsync(DataDirectory!, cancellationToken).ConfigureAwait(false)
            ?? throw new CommandInputException(
                $"no event store: the private store in {DataDirectory} ({Source}) is not running; start it with `gitops up --data-dir {DataDirectory}`, " +
                $"or name a store with --store or ${EventStoreOptions.ConnectionStringVariable}");
    }

    /// <summary>Opens the store (migrating its schema if needed); the caller disposes it.</summary>
    /// <exception cref="CommandInputException">The data directory's private store is not running, or the database does not answer.</exception>
    public async Task<MartenEventStore> OpenAsync(ILogger logger, string actor, CancellationToken cancellationToken)
    {
        var options = new EventStoreOptions { ConnectionString = await ConnectionStringAsync(cancellationToken).ConfigureAwait(false), Actor = actor };
        try
        {
            return await ReconcilerStore.OpenAsync(options, logger: logger, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (EventStoreUnavailableException ex)
        {
            throw new CommandInputException($"{ex.Message} ({Source}); start that PostgreSQL, or correct {Source}");
        }
    }
}
