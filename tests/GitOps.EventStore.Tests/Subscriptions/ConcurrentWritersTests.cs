using System.Globalization;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EventStore.Tests.Subscriptions;

public sealed class ConcurrentWritersTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const int Writers = 8;
    private const int EventsPerWriter = 5_000;
    private const int BatchSize = 10;
    private const int Streams = 12;

    [Fact]
    public async Task SubscribeAsync_EightWritersOnOverlappingStreams_DeliversEveryEventOnceInOneOrder()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        const int total = Writers * EventsPerWriter;
        var subscriber = Task.Run(() => TestStore.TakeAsync(store.SubscribeAsync("live", GlobalPosition.Start, cts.Token), total, cts.Token), cts.Token);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                for (var batch = 0; batch < EventsPerWriter / BatchSize; batch++)
                {
                    // Writers share streams, so they race for versions all the time.
                    var stream = "shared-" + ((writer + batch) % Streams).ToString(CultureInfo.InvariantCulture);
                    var events = Enumerable.Range(0, BatchSize).Select(i => TestStore.Numbered($"{writer}:{(batch * BatchSize) + i}")).ToList();
                    await store.AppendAsync(stream, ExpectedVersion.Any, events, cts.Token);
                }
            },
            cts.Token)));
        var delivered = await subscriber;

        Assert.Equal(total, delivered.Count);
        Assert.Equal(total, delivered.Select(e => e.EventId).Distinct().Count());
        var expected = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, EventsPerWriter).Select(i => $"{w}:{i}")).Order(StringComparer.Ordinal);
        Assert.Equal(expected, delivered.Select(TestStore.Label).Order(StringComparer.Ordinal));
        // One consistent order: strictly increasing positions, each stream's versions 1, 2, 3, … in it,
        // each writer's events in the order it wrote them, and a second reader sees the very same sequence.
        Assert.True(delivered.Zip(delivered.Skip(1)).All(p => p.First.Position < p.Second.Position), "positions must strictly increase");
        Assert.All(delivered.GroupBy(e => e.Stream), g => Assert.Equal(Enumerable.Range(1, g.Count()).Select(v => (long)v), g.Select(e => e.Version)));
        Assert.All(
            delivered.GroupBy(e => TestStore.Label(e).Split(':')[0]),
            g => Assert.Equal(Enumerable.Range(0, EventsPerWriter), g.Select(e => int.Parse(TestStore.Label(e).Split(':')[1], CultureInfo.InvariantCulture))));
        var reread = await TestStore.ToListAsync(store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cts.Token), cts.Token);
        Assert.Equal(delivered.Select(e => e.EventId), reread.Select(e => e.EventId));
    }
}
