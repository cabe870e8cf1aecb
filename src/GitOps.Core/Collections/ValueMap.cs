using System.Collections;
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace GitOps.Core.Collections;

/// <summary>An immutable, ordinally sorted string map with value equality (labels, selectors).</summary>
[JsonConverter(typeof(ValueMapJsonConverter))]
public readonly struct ValueMap : IReadOnlyDictionary<string, string>, IEquatable<ValueMap>
{
    private readonly ImmutableSortedDictionary<string, string>? _items;

    public ValueMap(IEnumerable<KeyValuePair<string, string>> items)
    {
        _items = items.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    public static ValueMap Empty => new([]);

    private ImmutableSortedDictionary<string, string> Items => _items ?? ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public int Count => Items.Count;

    public IEnumerable<string> Keys => Items.Keys;

    public IEnumerable<string> Values => Items.Values;

    public string this[string key] => Items[key];

    public bool ContainsKey(string key) => Items.ContainsKey(key);

    public bool TryGetValue(string key, out string value) => Items.TryGetValue(key, out value!);

    public bool Equals(ValueMap other) => Items.Count == other.Items.Count && Items.SequenceEqual(other.Items);

    public override bool Equals(object? obj) => obj is ValueMap other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in Items)
        {
            hash.Add(key);
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(ValueMap left, ValueMap right) => left.Equals(right);

    public static bool operator !=(ValueMap left, ValueMap right) => !left.Equals(right);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "{" + string.Join(", ", Items.Select(kv => $"{kv.Key}={kv.Value}")) + "}";
}
