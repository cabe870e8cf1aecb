using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using GitOps.Core.Events;

namespace GitOps.EventStore.Serialization;

/// <summary>
/// Maps event records to the type names stored with them and back, and turns them into JSON and back
/// with System.Text.Json. A name this registry does not know, or data that does not fit, reads as an
/// <see cref="UnknownEvent"/> so no subscriber crashes on an event written by a newer version.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly FrozenDictionary<string, Type> typesByName;
    private readonly FrozenDictionary<Type, string> namesByType;

    private EventTypeRegistry(IEnumerable<KeyValuePair<string, Type>> types)
    {
        typesByName = types.ToFrozenDictionary(StringComparer.Ordinal);
        namesByType = typesByName.ToFrozenDictionary(p => p.Value, p => p.Key);
    }

    /// <summary>The events of GitOps.Core.Events, each under its record name.</summary>
    public static EventTypeRegistry Default { get; } = new(
        typeof(IEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEvent).IsAssignableFrom(t) && t.Namespace == typeof(IEvent).Namespace)
            .Select(t => KeyValuePair.Create(t.Name, t)));

    /// <summary>Camel-case properties, enums as strings; shared by data and metadata.</summary>
    internal static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public IReadOnlyCollection<string> TypeNames => typesByName.Keys;

    /// <summary>Every registered type under its stored name.</summary>
    public IEnumerable<(string Name, Type Type)> Types => typesByName.Select(p => (p.Key, p.Value));

    /// <summary>A registry with <paramref name="type"/> added under <paramref name="name"/> (default: its record name).</summary>
    public EventTypeRegistry With(Type type, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(IEvent).IsAssignableFrom(type))
        {
            throw new ArgumentException($"'{type.Name}' does not implement {nameof(IEvent)}.", nameof(type));
        }

        return new(typesByName.Where(p => p.Value != type).Append(KeyValuePair.Create(name ?? type.Name, type)));
    }

    /// <summary>The type name stored for <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The event's type is not registered.</exception>
    public string NameOf(IEvent data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return namesByType.TryGetValue(data.GetType(), out var name)
            ? name
            : throw new ArgumentException($"Event type '{data.GetType().FullName}' is not registered; add it to the {nameof(EventTypeRegistry)}.", nameof(data));
    }

    public string Serialize(IEvent data) => JsonSerializer.Serialize(data, data.GetType(), JsonOptions);

    /// <summary>The event stored as <paramref name="json"/> under <paramref name="type"/>; never throws for unknown or mismatched data.</summary>
    public IEvent Deserialize(string type, string json)
    {
        if (!typesByName.TryGetValue(type, out var clrType))
        {
            return new UnknownEvent(type, json, $"event type '{type}' is not known to this version");
        }

        try
        {
            return JsonSerializer.Deserialize(json, clrType, JsonOptions) as IEvent
                ?? new UnknownEvent(type, json, "the stored data is null");
        }
        catch (JsonException ex)
        {
            return new UnknownEvent(type, json, ex.Message);
        }
    }
}
