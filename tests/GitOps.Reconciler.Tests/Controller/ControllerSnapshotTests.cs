using System.Text.Json;
using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler.Controller;
using GitOps.Reconciler.Tests.Support;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Reconciler.Tests.Controller;

/// <summary>The leader's state as a Marten snapshot: what a new leader starts from instead of the whole history.</summary>
public sealed class ControllerSnapshotTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Snapshot_RoundTripThroughMarten_KeepsEverything()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        var commit = await DesiredRepo.CommitInitialAsync(world.Git);
        var leader = await world.StartControllerAsync();
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        await leader.StopAsync(CancellationToken.None);
        await world.StartContainerAsync("lb1", "c1", "172.17.0.2");
        var state = new ReconcileState();
        await foreach (var recorded in world.Store.ReadAllAsync(GlobalPosition.Start))
        {
            state.Apply(recorded, pending: true);
        }

        var snapshot = state.ToSnapshot("round-trip", DateTimeOffset.UnixEpoch);
        await using (var session = world.Store.Documents.LightweightSession())
        {
            session.Store(snapshot);
            await session.SaveChangesAsync();
        }

        await using var query = world.Store.Documents.QuerySession();
        var loaded = await query.LoadAsync<ControllerSnapshot>("round-trip");
        Assert.NotNull(loaded);
        Assert.Equal(Json(snapshot), Json(loaded));
        Assert.Equal(state.Desired, ReconcileState.FromSnapshot(loaded).Desired);
        Assert.Equal(commit, loaded.DesiredCommit);
    }

    [Fact]
    public async Task Snapshot_StoredAndLoaded_IsTheStateTheEventsBuild()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        var leader = await world.StartControllerAsync(world.Options() with { SnapshotEvery = 1 });
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        await world.StartContainerAsync("lb1", "c1", "172.17.0.2");
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2);
        await world.WaitUntilHandledAsync((await world.ReadStreamAsync(StreamNames.Docker("lb1"))).Single());
        await leader.StopAsync(CancellationToken.None);

        var replayed = new ReconcileState();
        await foreach (var recorded in world.Store.ReadAllAsync(GlobalPosition.Start))
        {
            replayed.Apply(recorded, pending: false);
        }

        var stored = await LoadSnapshotAsync(world);
        Assert.NotNull(stored);
        // The leader snapshots after its rounds; the last events (its own renders) may come after the last snapshot.
        Assert.InRange(stored.Sequence, 1, replayed.Position.Sequence);
        var fromSnapshot = ReconcileState.FromSnapshot(stored);
        await foreach (var recorded in world.Store.ReadAllAsync(fromSnapshot.Position))
        {
            fromSnapshot.Apply(recorded, pending: false);
        }

        // Beyond the events, the snapshot keeps which containers each published configuration serves.
        Assert.Equal(["c1"], fromSnapshot.Hosts["lb1"].ServedContainers!);
        Assert.Equal(Json(WithoutServed(replayed.ToSnapshot("x", DateTimeOffset.UnixEpoch))), Json(WithoutServed(fromSnapshot.ToSnapshot("x", DateTimeOffset.UnixEpoch))));
        Assert.Contains("c1", Json(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewLeader_StartsFromTheSnapshotNotTheFirstEvent()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        var options = world.Options(coalesce: TimeSpan.Zero) with { SnapshotEvery = 1 };
        var first = await world.StartControllerAsync(options);
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        await world.StartContainerAsync("lb1", "c1", "172.17.0.2");
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2);
        await Poll.UntilAsync(async ct => (await LoadSnapshotAsync(world))?.Hosts.GetValueOrDefault("lb1")?.Version == 2, "a snapshot with lb1's second rendering");
        await first.StopAsync(CancellationToken.None);

        // A container only the snapshot knows of: if the next leader rendered from the events alone, it would not be served.
        var snapshot = (await LoadSnapshotAsync(world))!;
        snapshot.Containers["lb1"].Add(new ObservedContainer
        {
            Id = "only-in-snapshot",
            Name = "web-snap",
            State = ObservedContainer.RunningState,
            Labels = new ValueMap(new Dictionary<string, string> { ["app"] = "web" }),
            Networks = ValueList.Create(new ContainerNetwork("bridge", "172.17.0.77")),
        });
        await using (var session = world.Store.Documents.LightweightSession())
        {
            session.Store(snapshot);
            await session.SaveChangesAsync();
        }

        await world.StartControllerAsync(options);
        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web(balance: "leastconn"));
        await world.Git.CommitAsync("web: leastconn");

        var rendered = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 3))[2].Data;
        Assert.Contains("balance leastconn", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("172.17.0.77:80", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("172.17.0.2:80", rendered.Text, StringComparison.Ordinal);
    }

    private static async Task<ControllerSnapshot?> LoadSnapshotAsync(ControllerHarness world)
    {
        await using var session = world.Store.Documents.QuerySession();
        return await session.LoadAsync<ControllerSnapshot>(world.Options().SnapshotName);
    }

    private static ControllerSnapshot WithoutServed(ControllerSnapshot snapshot)
    {
        foreach (var host in snapshot.Hosts.Values)
        {
            host.ServedContainers = null;
        }

        return snapshot;
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = false });
}
