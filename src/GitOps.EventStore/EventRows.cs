using System.Text.Json;
using GitOps.EventStore.Serialization;
using Npgsql;

namespace GitOps.EventStore;

/// <summary>Reads events from rows of <c>gitops.events</c> selected with <see cref="Columns"/>.</summary>
internal static class EventRows
{
    public const string Columns = "position, transaction_id, event_id, stream, version, type, data, metadata, recorded_at";

    public static async Task<List<RecordedEvent>> ReadAllAsync(NpgsqlCommand command, EventTypeRegistry registry, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(Read(reader, registry));
        }

        return events;
    }

    private static RecordedEvent Read(NpgsqlDataReader reader, EventTypeRegistry registry)
    {
        var type = reader.GetString(5);
        return new RecordedEvent
        {
            Position = new GlobalPosition(reader.GetInt64(1), reader.GetInt64(0)),
            EventId = reader.GetGuid(2),
            Stream = reader.GetString(3),
            Version = reader.GetInt64(4),
            Type = type,
            Data = registry.Deserialize(type, reader.GetString(6)),
            Metadata = JsonSerializer.Deserialize<EventMetadata>(reader.GetString(7), EventTypeRegistry.JsonOptions)!,
            Timestamp = reader.GetFieldValue<DateTimeOffset>(8),
        };
    }
}
