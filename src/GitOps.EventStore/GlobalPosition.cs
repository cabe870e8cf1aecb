namespace GitOps.EventStore;

/// <summary>
/// Where an event sits in the store-wide order that readers and subscriptions follow: first by the id
/// of the transaction that wrote it, then by its position (insert order). Readers only go below the
/// oldest transaction still running, so an event committed late by a slow transaction is never
/// behind a checkpoint (DESIGN §5). A checkpoint is the position of the last event handled.
/// </summary>
public readonly record struct GlobalPosition(long TransactionId, long Position) : IComparable<GlobalPosition>
{
    /// <summary>Before the first event: reading after it reads everything.</summary>
    public static GlobalPosition Start { get; } = new(0, 0);

    public int CompareTo(GlobalPosition other)
    {
        var byTransaction = TransactionId.CompareTo(other.TransactionId);
        return byTransaction != 0 ? byTransaction : Position.CompareTo(other.Position);
    }

    public static bool operator <(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(GlobalPosition left, GlobalPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{TransactionId}/{Position}";
}
