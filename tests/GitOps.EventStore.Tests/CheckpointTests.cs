using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EventStore.Tests;

public sealed class CheckpointTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SaveCheckpointAsync_OlderPosition_KeepsTheNewerOne()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var name = "checkpoint-" + Guid.NewGuid().ToString("N");
        var never = await store.ReadCheckpointAsync(name, cts.Token);

        await store.SaveCheckpointAsync(name, new GlobalPosition(7), cts.Token);
        await store.SaveCheckpointAsync(name, new GlobalPosition(5), cts.Token);
        var kept = await store.ReadCheckpointAsync(name, cts.Token);
        await store.SaveCheckpointAsync(name, new GlobalPosition(9), cts.Token);

        Assert.Equal(GlobalPosition.Start, never);
        Assert.Equal(new GlobalPosition(7), kept);
        Assert.Equal(new GlobalPosition(9), await store.ReadCheckpointAsync(name, cts.Token));
    }
}
