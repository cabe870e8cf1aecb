using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.ReadModels;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.Reconciler.Tests.ReadModels;

/// <summary>How discovery events read as the causes of a rendering, against a real store.</summary>
public sealed class InputCausesTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task HistoryAsync_DiscoveryEvents_ReadAsWhatHappenedToWhichContainer()
    {
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString });
        var docker = StreamNames.Docker("lb1");
        await AppendAsync(store, docker, ContainerStarted.From("lb1", Container("a")));
        await AppendAsync(store, docker, ContainerStarted.From("lb1", Container("b")));
        var resync = await AppendAsync(store, docker, new DiscoveryResynced
        {
            Host = "lb1",
            Snapshot = ValueList.Create(
                Container("b"), Container("c1"), Container("c2"), Container("c3"), Container("c4"), Container("c5"), Container("c6"),
                Container("stopped") with { State = "exited" }),
        });
        var health = await AppendAsync(store, docker, new ContainerHealthChanged { Host = "lb1", ContainerId = "id-c1", Health = ContainerHealth.Unhealthy });
        var address = await AppendAsync(store, docker, new ContainerAddressChanged { Host = "lb1", ContainerId = "id-b", Networks = ValueList<ContainerNetwork>.Empty });
        var labels = await AppendAsync(store, docker, new ContainerLabelRejected
        {
            Host = "lb1",
            ContainerId = "id-bad",
            Name = "bad",
            Diagnostics = ValueList.Create("error GITOPS101: container 'bad': label 'lb.publish' is 'x'; use a port number", "error GITOPS102: second"),
        });
        var resyncAgain = await AppendAsync(store, docker, new DiscoveryResynced { Host = "lb1", Snapshot = ValueList.Create(Container("b")) });
        await AppendAsync(store, StreamNames.Config("lb1"), new ConfigRendered
        {
            Host = "lb1",
            Version = 1,
            Sha256 = new string('a', 64),
            Text = "# v1\n",
            Commit = "1111111111111111111111111111111111111111",
            Causes = ValueList.Create(resync, health, address, labels, resyncAgain),
        });

        var entry = Assert.Single(await new ReadModelQueries(store).HistoryAsync("lb1", 10, CancellationToken.None));

        Assert.Equal(
            [
                "discovery on lb1: resynced with 7 running; new: c1, c2, c3, c4, c5 and 1 more; gone: a",
                "container c1 became unhealthy",
                "container b lost its addresses",
                "container bad labels rejected: error GITOPS101: container 'bad': label 'lb.publish' is 'x'; use a port number (+1 more)",
                "discovery on lb1: resynced with 1 running; gone: c1, c2, c3, c4, c5 and 1 more",
            ],
            entry.Causes.Select(c => c.Description));
        Assert.Equal([resync, health, address, labels, resyncAgain], entry.Causes.Select(c => c.EventId));
        Assert.Equal(("container", "c1", "id-c1", "became unhealthy"), (entry.Causes[1].Kind, entry.Causes[1].Container, entry.Causes[1].ContainerId, entry.Causes[1].Change));
    }

    private static async Task<Guid> AppendAsync(MartenEventStore store, string stream, IEvent data)
    {
        var added = new NewEvent(data);
        await store.AppendAsync(stream, ExpectedVersion.Any, added, CancellationToken.None);
        return added.EventId;
    }

    private static ObservedContainer Container(string name) => new()
    {
        Id = "id-" + name,
        Name = name,
        State = ObservedContainer.RunningState,
        Networks = ValueList.Create(new ContainerNetwork("bridge", "172.17.0.2")),
    };
}
