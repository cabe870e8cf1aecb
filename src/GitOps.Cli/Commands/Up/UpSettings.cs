using GitOps.Cli.Store;

namespace GitOps.Cli.Commands.Up;

/// <summary>What <c>gitops up</c> was asked to run, resolved from its options and the environment.</summary>
/// <param name="Repository">The repository path or URL.</param>
/// <param name="GitOptions">How the repository is reached (the ssh key).</param>
/// <param name="Branch">The branch to follow; null for the repository's HEAD branch.</param>
/// <param name="Store">A named store, or (no connection string) the private one under <paramref name="DataDirectory"/>.</param>
/// <param name="DataDirectory">The absolute data directory.</param>
/// <param name="Docker">The Docker engine to try.</param>
/// <param name="Host">The <c>--host</c> value; null to choose from gitops.yaml.</param>
/// <param name="BindAddress">Where frontends listen; null for every address.</param>
/// <param name="HAProxy">The haproxy program, found.</param>
/// <param name="PostgresBin">Where initdb and pg_ctl are for the private store; null for the newest Debian PostgreSQL.</param>
internal sealed record UpSettings(
    string Repository,
    GitOps.Git.GitRepositoryOptions GitOptions,
    string? Branch,
    StoreLocation Store,
    string DataDirectory,
    DockerEndpointChoice Docker,
    string? Host,
    string? BindAddress,
    string HAProxy,
    string? PostgresBin);
