using GitOps.EventStore.Subscriptions;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EventStore.Tests.Subscriptions;

/// <summary>Subscriptions to some streams only: what an agent follows.</summary>
public sealed class StreamSubscriptionTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task SubscribeAsync_SomeStreams_DeliversTheirEventsAloneInStoreOrderAndWakesAtTheirAppends()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Polling once a minute: an event delivered within the test's bound was announced by its commit's notification.
        var options = TestStore.Options(await TestStore.CreateDatabaseAsync(database, cts.Token)) with { PollInterval = TimeSpan.FromMinutes(1) };
        await using var store = await MartenEventStore.OpenAsync(options, cancellationToken: cts.Token);
        var (a, b, c) = ("a-" + Guid.NewGuid(), "b-" + Guid.NewGuid(), "c-" + Guid.NewGuid());
        await store.AppendAsync(a, ExpectedVersion.Any, TestStore.Numbered("a1"), cts.Token);
        await store.AppendAsync(b, ExpectedVersion.Any, TestStore.Numbered("b1"), cts.Token);
        await store.AppendAsync(c, ExpectedVersion.Any, TestStore.Numbered("c1"), cts.Token);
        await store.AppendAsync(a, ExpectedVersion.Any, TestStore.Numbered("a2"), cts.Token);

        var subscription = store.SubscribeAsync("test", GlobalPosition.Start, new HashSet<string>(StringComparer.Ordinal) { a, c }, cts.Token).GetAsyncEnumerator(cts.Token);
        var delivered = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await subscription.MoveNextAsync());
            delivered.Add(TestStore.Label(subscription.Current));
        }

        // Caught up: the next event comes from a later commit to one of its streams, after one to another stream.
        var next = subscription.MoveNextAsync().AsTask();
        await store.AppendAsync(b, ExpectedVersion.Any, TestStore.Numbered("b2"), cts.Token);
        await store.AppendManyAsync([new StreamAppend(b, ExpectedVersion.Any, [TestStore.Numbered("b3")]), new StreamAppend(c, ExpectedVersion.Any, [TestStore.Numbered("c2")])], cts.Token);
        Assert.True(await next);
        delivered.Add(TestStore.Label(subscription.Current));
        await subscription.DisposeAsync();

        Assert.Equal(["a1", "c1", "a2", "c2"], delivered);
    }

    [Theory]
    [InlineData("config-lb1", true)]
    [InlineData("docker-lb2 config-lb1", true)]
    [InlineData("config-lb2", false)]
    [InlineData("config-lb10 applied-lb1", false)]
    [InlineData("", true)]
    public void Concerns_ANotificationNamingStreams_WakesTheirReadersAndThoseOfEveryStream(string payload, bool wakesAReaderOfConfigLb1)
    {
        Assert.Equal(wakesAReaderOfConfigLb1, NotificationWakeup.Concerns(new HashSet<string>(StringComparer.Ordinal) { "config-lb1" }, payload));
        Assert.True(NotificationWakeup.Concerns(null, payload));
    }
}
