using GitOps.EventStore.Serialization;
using Npgsql;

namespace GitOps.EventStore;

/// <summary>Reads events from rows of Marten's <c>mt_events</c> selected with <see cref="Columns"/>.</summary>
internal static class EventRows
{
    public const string Columns = "seq_id, id, stream_id, version, type, data, headers, correlation_id, causation_id, timestamp";

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
        var type = reader.GetString(4);
        var eventId = reader.GetGuid(1);
        var headers = reader.IsDBNull(6) ? null : reader.GetString(6);
        return new RecordedEvent
        {
            Position = new GlobalPosition(reader.GetInt64(0)),
            EventId = eventId,
            Stream = reader.GetString(2),
            Version = reader.GetInt64(3),
            Type = type,
            Data = registry.Deserialize(type, reader.GetString(5)),
            Metadata = EventHeaders.Read(
                eventId,
                headers,
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)),
            Timestamp = reader.GetFieldValue<DateTimeOffset>(9),
        };
    }
}
