using System.CommandLine;

namespace GitOps.Cli.Store;

/// <summary>The <c>--store</c> and <c>--data-dir</c> options every command that uses the event store takes, read the same everywhere.</summary>
internal sealed class StoreOptions
{
    public Option<string?> Store { get; } = new("--store")
    {
        Description = "The event store: an Npgsql connection string, e.g. \"Host=db;Database=gitops;Username=gitops;Password=…\". " +
                      "Default: $GITOPS_STORE, else the private store of --data-dir.",
        HelpName = "conn",
    };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Use the private store a `gitops up` keeps in this directory (it must be running). " +
                      "Default: $GITOPS_DATA_DIR, else $XDG_DATA_HOME/gitops, else ~/.local/share/gitops.",
        HelpName = "dir",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Store);
        command.Options.Add(DataDir);
    }

    public StoreLocation Resolve(ParseResult parseResult) =>
        StoreLocation.Choose(parseResult.GetValue(Store), Environment.GetEnvironmentVariable(GitOps.EventStore.EventStoreOptions.ConnectionStringVariable), parseResult.GetValue(DataDir));
}
