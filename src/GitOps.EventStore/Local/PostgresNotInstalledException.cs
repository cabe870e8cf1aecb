using GitOps.EventStore.Errors;

namespace GitOps.EventStore.Local;

/// <summary>The PostgreSQL server binaries (initdb, pg_ctl) are not installed on this machine.</summary>
public sealed class PostgresNotInstalledException(string message) : EventStoreException(message);
