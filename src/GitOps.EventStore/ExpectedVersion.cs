using System.Globalization;

namespace GitOps.EventStore;

/// <summary>
/// What an append expects of its stream's current version: <see cref="Any"/>, <see cref="NoStream"/>
/// (the stream has no events) or <see cref="Exact"/> (its last event has that version; the first is 1).
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value)
    {
        Value = value;
    }

    /// <summary>No expectation: the events go after whatever the stream holds.</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet (same as <c>Exact(0)</c>).</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>-1 for <see cref="Any"/>, otherwise the expected current version.</summary>
    public long Value { get; }

    public bool IsAny => Value < 0;

    /// <summary>The stream's last event must have version <paramref name="version"/> (0: the stream must not exist).</summary>
    public static ExpectedVersion Exact(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return new(version);
    }

    public override string ToString() => Value switch
    {
        < 0 => "any",
        0 => "no stream",
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
