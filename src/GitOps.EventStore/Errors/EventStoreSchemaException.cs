namespace GitOps.EventStore.Errors;

/// <summary>The database holds a schema written by a newer gitops than this one.</summary>
public sealed class EventStoreSchemaException : EventStoreException
{
    public EventStoreSchemaException(int databaseVersion, int supportedVersion)
        : base($"The event store schema is at version {databaseVersion}, newer than the version {supportedVersion} this gitops supports; upgrade gitops.")
    {
        DatabaseVersion = databaseVersion;
        SupportedVersion = supportedVersion;
    }

    public int DatabaseVersion { get; }

    public int SupportedVersion { get; }
}
