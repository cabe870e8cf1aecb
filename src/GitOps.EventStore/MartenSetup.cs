using GitOps.EventStore.Serialization;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace GitOps.EventStore;

/// <summary>How the product configures Marten: one schema, string stream keys, our type names and JSON, metadata columns, the read models inline.</summary>
internal static class MartenSetup
{
    public static DocumentStore CreateDocumentStore(NpgsqlDataSource dataSource, EventStoreOptions options, EventTypeRegistry registry, TimeProvider timeProvider) =>
        DocumentStore.For(marten =>
        {
            marten.Connection(dataSource);
            marten.DatabaseSchemaName = MartenEventStore.SchemaName;
            marten.Events.DatabaseSchemaName = MartenEventStore.SchemaName;
            marten.Events.StreamIdentity = StreamIdentity.AsString;
            // Rich appends draw the events' sequence numbers (under the append lock) before the inline read models
            // run, so a read model sees each event's store-wide position; the quick modes number events only as
            // they insert them, after the read models ran with a position of 0.
            marten.Events.AppendMode = EventAppendMode.Rich;
            marten.Events.MetadataConfig.CorrelationIdEnabled = true;
            marten.Events.MetadataConfig.CausationIdEnabled = true;
            marten.Events.MetadataConfig.HeadersEnabled = true;
            // A retried append finds its events by id (and a second copy of one could never be stored).
            marten.Events.EnableUniqueIndexOnEventId = true;
            marten.Events.TimeProvider = timeProvider;
            // The same JSON as the registry reads back: camel case, enums as strings, nulls left out.
            marten.UseSystemTextJsonForSerialization(EventTypeRegistry.JsonOptions, Weasel.Core.EnumStorage.AsString, Weasel.Core.Casing.CamelCase);
            foreach (var (name, type) in registry.Types)
            {
                marten.Events.MapEventType(type, name);
            }

            foreach (var readModel in options.ReadModels)
            {
                marten.Projections.Add(readModel, ProjectionLifecycle.Inline, readModel.Name);
            }

            marten.Schema.For<Checkpoint>();
            foreach (var documentType in options.DocumentTypes)
            {
                marten.RegisterDocumentType(documentType);
            }

            // Every store operation retries through TransientRetry, which repeats a whole append in a new transaction
            // (safe by its event ids). Marten's own retries would repeat one statement of an append's transaction on a
            // connection that broke, and fail with "transaction is already completed".
            marten.ConfigurePolly(_ => { });
            marten.ConfigureWritePolly(_ => { });
            // The schema is created once at start-up (StoreSchema), never on a first write.
            marten.AutoCreateSchemaObjects = AutoCreate.None;
            marten.DisableNpgsqlLogging = true;
        });
}
