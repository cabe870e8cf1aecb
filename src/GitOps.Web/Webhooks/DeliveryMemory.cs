namespace GitOps.Web.Webhooks;

/// <summary>
/// The delivery ids received in the last <see cref="Window"/> (at most <see cref="Capacity"/> of them), so the same
/// delivery sent again is refused as a replay. Ids older than the window are forgotten; a generic delivery that old is
/// refused by its timestamp anyway.
/// </summary>
public sealed class DeliveryMemory(TimeProvider timeProvider)
{
    /// <summary>How long a delivery id is remembered.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The most ids remembered; the oldest go first.</summary>
    public const int Capacity = 10_000;

    private readonly Lock gate = new();
    private readonly Dictionary<(Forge, string), DateTimeOffset> seen = [];
    private readonly Queue<((Forge, string) Key, DateTimeOffset At)> order = new();

    /// <summary>True the first time <paramref name="id"/> of <paramref name="forge"/> is seen within the window; it is remembered from now on.</summary>
    public bool FirstTime(Forge forge, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var now = timeProvider.GetUtcNow();
        lock (gate)
        {
            while (order.TryPeek(out var oldest) && (now - oldest.At > Window || order.Count >= Capacity))
            {
                order.Dequeue();
                if (seen.TryGetValue(oldest.Key, out var at) && at == oldest.At)
                {
                    seen.Remove(oldest.Key);
                }
            }

            if (seen.ContainsKey((forge, id)))
            {
                return false;
            }

            seen[(forge, id)] = now;
            order.Enqueue(((forge, id), now));
            return true;
        }
    }
}
