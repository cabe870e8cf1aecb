using System.CommandLine;
using GitOps.Cli.Commands.Up;
using GitOps.Cli.Store;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops up</c>: the whole system on one machine (store, controller, this host's agent and HAProxy, discovery) until Ctrl-C.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var repo = CommonOptions.Repo(required: false);
        var gitSource = new GitSourceOptions();
        repo.Description = "The desired-state Git repository: a local path (watched: a commit is seen at once) or a URL (polled). Default: the current directory.";
        var branch = new Option<string?>("--branch")
        {
            Description = "The branch to follow. Default: the branch the repository's HEAD names (for a URL, the remote's default branch).",
            HelpName = "name",
        };
        var store = new StoreOptions();
        store.Store.Description = "Use this event store (an Npgsql connection string) instead of a private one. Default: $GITOPS_STORE, else the private " +
                                  "PostgreSQL `up` initializes and starts in <data-dir>/postgres (and stops on exit).";
        store.DataDir.Description = "Where `up` keeps its state: the private store (<dir>/postgres), HAProxy's config (<dir>/hosts/<host>/) and sockets " +
                                    "(<dir>/run). The same directory on restart resumes with the history intact; other commands reach the store " +
                                    "with the same --data-dir. Default: $GITOPS_DATA_DIR, else $XDG_DATA_HOME/gitops, else ~/.local/share/gitops.";
        var docker = CommonOptions.Docker();
        var dockerTls = new DockerTlsOptions();
        docker.Description = "The Docker engine whose containers are discovered: unix:///path/to/docker.sock or tcp://host:port (TLS: --docker-tls-*), or `none` to run " +
                             "without discovery (static servers only). Default: $DOCKER_HOST, else unix:///var/run/docker.sock when present, else none. " +
                             "An engine named or present must answer at start.";
        var host = new Option<string?>("--host")
        {
            Description = "The load-balancer host this machine is. Default: the one host gitops.yaml declares (`local` when it declares none), " +
                          "else the first, with a notice naming the others.",
            HelpName = "name",
        };
        var bind = CommonOptions.Bind();
        var haproxy = CommonOptions.HAProxy();
        var postgresBin = new Option<string?>("--postgres-bin")
        {
            Description = "Where the PostgreSQL server programs (initdb, pg_ctl) of the private store are. Default: the newest /usr/lib/postgresql/<version>/bin.",
            HelpName = "dir",
        };
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var dashboard = new DashboardChoice();
        var command = new Command(
            "up",
            "Run everything on this machine until Ctrl-C: the event store (a private PostgreSQL unless --store), the controller following\n" +
            "the repository, and this host's agent with its HAProxy and Docker discovery. Prints where each service is served once\n" +
            "the first configuration is live, then one line per applied change, failed apply and rejected commit. Ctrl-C stops\n" +
            "HAProxy, the controller and the private PostgreSQL, in that order (so do SIGTERM and a closed terminal); running it again\n" +
            "with the same data directory resumes with the history intact. `gitops status`, `history` and `rollback` reach its store\n" +
            "with the same --data-dir.\n" +
            "What keeps it from starting (HAProxy or PostgreSQL missing, a Docker engine that does not answer, a repository that is\n" +
            "not one, a data directory user postgres cannot enter, a port another program holds) is one line and exit code 2.")
        {
            repo, branch, docker, dockerTls.Ca, dockerTls.Cert, dockerTls.Key, host, bind, haproxy, postgresBin, logLevel,
        };
        store.AddTo(command);
        gitSource.AddTo(command);
        dashboard.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, (context, ct) =>
        {
            var settings = new UpSettings(
                Repository: parseResult.GetValue(repo) is { Length: > 0 } given ? given : Directory.GetCurrentDirectory(),
                GitOptions: gitSource.Resolve(parseResult),
                Branch: parseResult.GetValue(branch),
                Store: StoreLocation.Choose(parseResult.GetValue(store.Store), Environment.GetEnvironmentVariable(GitOps.EventStore.EventStoreOptions.ConnectionStringVariable), null),
                DataDirectory: DataDirectory.Resolve(parseResult.GetValue(store.DataDir)),
                Docker: DockerEndpointChoice.Choose(parseResult, docker, dockerTls),
                Host: parseResult.GetValue(host),
                BindAddress: parseResult.GetValue(bind),
                HAProxy: HAProxyProgram.Require(parseResult.GetRequiredValue(haproxy)),
                PostgresBin: parseResult.GetValue(postgresBin));
            return new UpSession(settings, context, (store, controller, say, token) => dashboard.StartAsync(parseResult, store, controller, context, say, token)).RunAsync(ct);
        }, cancellationToken));
        return command;
    }
}
