namespace GitOps.EventStore;

/// <summary>
/// Where an event sits in the store-wide order that readers and subscriptions follow: Marten's event
/// sequence number (<c>mt_events.seq_id</c>). Appends take the store's append lock before Marten draws
/// their numbers and hold it until they commit, so the sequence is also the commit order: a reader
/// that has seen number <c>n</c> can never later find a committed event below it (DESIGN §5).
/// A checkpoint is the position of the last event handled.
/// </summary>
public readonly record struct GlobalPosition(long Sequence) : IComparable<GlobalPosition>
{
    /// <summary>Before the first event: reading after it reads everything.</summary>
    public static GlobalPosition Start { get; } = new(0);

    public int CompareTo(GlobalPosition other) => Sequence.CompareTo(other.Sequence);

    public static bool operator <(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
