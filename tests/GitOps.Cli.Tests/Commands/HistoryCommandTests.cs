using System.Text.Json;
using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.EventStore.Serialization;
using GitOps.Reconciler;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

/// <summary>
/// <c>gitops history</c> as an audit trail, through the real command tree against a real store holding what the
/// controller, the discovery watcher, the agent and <c>gitops rollback</c> write, at known times: a commit, a resync
/// and a container start, health and address changes, renders applied by reload and at runtime, a failed apply, a
/// rendering haproxy -c refused, and a rollback. Pins the text and the JSON exactly.
/// </summary>
public sealed class HistoryCommandTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    private const string Web1 = "0b1b2b3b4b5b6b7b8b9b0b1b2b3b4b5b6b7b8b9b0b1b2b3b4b5b6b7b8b9b0b1b";
    private const string Web2 = "0c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2c";
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 13, 0, 0, TimeSpan.Zero);
    private static readonly Guid CommitEvent = Id(1);
    private static readonly Guid Resync = Id(2);
    private static readonly Guid Web2Started = Id(3);
    private static readonly Guid Web2Unhealthy = Id(4);
    private static readonly Guid Web1Moved = Id(5);
    private static readonly Guid Web2Stopped = Id(6);
    private static readonly Guid Rollback = Id(7);
    private static readonly Guid RollbackApplied = Id(8);
    private static readonly Guid Probe = Id(9);

    public async Task InitializeAsync()
    {
        var clock = new SettableClock(Start);
        await using var store = await MartenEventStore.OpenAsync(
            ReconcilerStore.WithReadModels(new EventStoreOptions { ConnectionString = database.ConnectionString }),
            EventTypeRegistry.Default.With(typeof(HostProbeObserved)),
            clock);
        async Task AppendAsync(int seconds, string stream, IEvent data, Guid? id = null, string? commit = null)
        {
            clock.Now = Start.AddSeconds(seconds);
            await store.AppendAsync(stream, ExpectedVersion.Any, new NewEvent(data) { EventId = id ?? Guid.CreateVersion7(), Commit = commit }, CancellationToken.None);
        }

        await AppendAsync(0, StreamNames.Desired, new DesiredStateObserved { Commit = Commit, Author = "Ann", Message = "add web\n\nwith two containers", Branch = "main" }, CommitEvent);
        await AppendAsync(1, StreamNames.Docker("lb1"), new DiscoveryResynced { Host = "lb1", Snapshot = ValueList.Create(Container(Web1, "web-1", "172.17.0.2")) }, Resync);
        await AppendAsync(2, StreamNames.Config("lb1"), Rendered(1, CommitEvent, Resync), Id(11));
        await AppendAsync(3, StreamNames.Applied("lb1"), new ConfigApplied { Host = "lb1", Version = 1, Method = ApplyMethod.Reload, Duration = TimeSpan.FromMilliseconds(41) }, Id(21));
        await AppendAsync(60, StreamNames.Docker("lb1"), ContainerStarted.From("lb1", Container(Web2, "web-2", "172.17.0.3")), Web2Started);
        await AppendAsync(61, StreamNames.Config("lb1"), Rendered(2, Web2Started), Id(12));
        await AppendAsync(62, StreamNames.Applied("lb1"), new ConfigApplied { Host = "lb1", Version = 2, Method = ApplyMethod.Runtime, Duration = TimeSpan.FromMilliseconds(3.4) }, Id(22));
        await AppendAsync(120, StreamNames.Docker("lb1"), new ContainerHealthChanged { Host = "lb1", ContainerId = Web2, Health = ContainerHealth.Unhealthy }, Web2Unhealthy);
        await AppendAsync(120, StreamNames.Docker("lb1"), new ContainerAddressChanged { Host = "lb1", ContainerId = Web1, Networks = ValueList.Create(new ContainerNetwork("bridge", "172.17.0.9")) }, Web1Moved);
        await AppendAsync(121, StreamNames.Config("lb1"), Rendered(3, Web2Unhealthy, Web1Moved), Id(13));
        await AppendAsync(122, StreamNames.Applied("lb1"), new ApplyFailed { Host = "lb1", Version = 3, Error = "HAProxy's reload failed: [ALERT] cannot bind socket (Address already in use) for [127.0.0.1:8080]\n[ALERT] Some protocols failed to start their listeners! Exiting.", KeptVersion = 2 }, Id(23));
        await AppendAsync(180, StreamNames.Docker("lb1"), new ContainerStopped { Host = "lb1", ContainerId = Web2, Name = "web-2" }, Web2Stopped);
        await AppendAsync(181, StreamNames.Rejected("lb1"), new ConfigRejected { Host = "lb1", Sha256 = new string('f', 64), Commit = Commit, Errors = ValueList.Create("[ALERT] parsing [haproxy.cfg:31]: 'server web-1' : no address"), Causes = ValueList.Create(Web2Stopped) }, Id(14));
        await AppendAsync(300, StreamNames.Operator, new RollbackRequested { Host = "lb1", ToVersion = 1, Actor = "ann@ops" }, Rollback, Commit);
        await AppendAsync(301, StreamNames.Applied("lb1"), new ConfigApplied { Host = "lb1", Version = 1, Method = ApplyMethod.Runtime, Duration = TimeSpan.FromMilliseconds(2), Pinned = true, RollbackRequestId = Rollback }, RollbackApplied);

        // An input of a kind this gitops does not describe (as a newer agent might write) caused lb2's rendering.
        await AppendAsync(400, "host-lb2", new HostProbeObserved { Host = "lb2" }, Probe);
        await AppendAsync(401, StreamNames.Config("lb2"), Rendered(1, Probe) with { Host = "lb2" }, Id(15));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task History_Text_NamesEachCauseHowItWasAppliedAndWhoRolledBack()
    {
        var result = await CliRunner.RunAsync("history", "--store", database.ConnectionString, "--host", "lb1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            2025-06-01 13:05:00Z  lb1 v1  rollback to version 1 by ann@ops (commit 1a2b3c4d5e6f "add web")
                applied 2025-06-01 13:05:01Z: runtime, 2 ms
            2025-06-01 13:03:01Z  lb1 v3  rendering refused by haproxy -c (not published): [ALERT] parsing [haproxy.cfg:31]: 'server web-1' : no address
                cause: container web-2 stopped
            2025-06-01 13:02:01Z  lb1 v3  rendered from commit 1a2b3c4d5e6f "add web"
                cause: container web-2 became unhealthy
                cause: container web-1 changed address to 172.17.0.9 (bridge)
                FAILED 2025-06-01 13:02:02Z: HAProxy's reload failed: [ALERT] cannot bind socket (Address already in use) for [127.0.0.1:8080]
                    [ALERT] Some protocols failed to start their listeners! Exiting.; kept v2
            2025-06-01 13:01:01Z  lb1 v2  rendered from commit 1a2b3c4d5e6f "add web"
                cause: container web-2 started
                applied 2025-06-01 13:01:02Z: runtime, 3 ms
            2025-06-01 13:00:02Z  lb1 v1  rendered from commit 1a2b3c4d5e6f "add web"
                cause: commit 1a2b3c4d5e6f "add web" by Ann
                cause: discovery on lb1: resynced with 1 running; new: web-1
                applied 2025-06-01 13:00:03Z: reload, 41 ms

            """,
            result.Output);
    }

    [Fact]
    public async Task History_Json_KeepsEveryIdBesideTheReadableFields()
    {
        var result = await CliRunner.RunAsync("history", "--store", database.ConnectionString, "--host", "lb1", "--format", "json", "--limit", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            [
              {
                "eventId": "00000000-0000-7000-8000-000000000007",
                "kind": "rollback",
                "host": "lb1",
                "version": 1,
                "at": "2025-06-01T13:05:00+00:00",
                "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                "commit": "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
                "author": "Ann",
                "subject": "add web",
                "actor": "ann@ops",
                "detail": null,
                "causes": [],
                "appliedAt": "2025-06-01T13:05:01+00:00",
                "method": "runtime",
                "durationMs": 2,
                "result": "applied",
                "error": null,
                "keptVersion": null,
                "outcomeEventId": "00000000-0000-7000-8000-000000000008",
                "leftOut": []
              }
            ]

            """,
            result.Output);
    }

    [Fact]
    public async Task History_Json_CausesCarryTheirEventIds()
    {
        var result = await CliRunner.RunAsync("history", "--store", database.ConnectionString, "--host", "lb1", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var entries = json.RootElement.EnumerateArray().ToList();
        var started = entries.Single(e => e.GetProperty("version").GetInt64() == 2).GetProperty("causes").EnumerateArray().Single();
        Assert.Equal(
            """
            {
                    "eventId": "00000000-0000-7000-8000-000000000003",
                    "kind": "container",
                    "description": "container web-2 started",
                    "at": "2025-06-01T13:01:00+00:00",
                    "host": "lb1",
                    "commit": null,
                    "author": null,
                    "subject": null,
                    "container": "web-2",
                    "containerId": "0c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2c",
                    "change": "started"
                  }
            """,
            started.GetRawText());
        var first = entries.Last();
        Assert.Equal(Id(11), first.GetProperty("eventId").GetGuid());
        Assert.Equal(Id(21), first.GetProperty("outcomeEventId").GetGuid());
        var commit = first.GetProperty("causes")[0];
        Assert.Equal((CommitEvent, "commit", Commit, "Ann", "add web"), (commit.GetProperty("eventId").GetGuid(), commit.GetProperty("kind").GetString(), commit.GetProperty("commit").GetString(), commit.GetProperty("author").GetString(), commit.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task History_CauseOfAKindNotDescribed_IsNamedByItsEventType()
    {
        var result = await CliRunner.RunAsync("history", "--store", database.ConnectionString, "--host", "lb2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "2025-06-01 13:06:41Z  lb2 v1  rendered from commit 1a2b3c4d5e6f \"add web\"",
                "    cause: HostProbeObserved 00000000-0000-7000-8000-000000000009",
                "    not applied",
            ],
            result.OutputLines);
    }

    private static Guid Id(int n) => Guid.Parse($"00000000-0000-7000-8000-{n:D12}");

    private static ObservedContainer Container(string id, string name, string address) => new()
    {
        Id = id,
        Name = name,
        State = ObservedContainer.RunningState,
        Networks = ValueList.Create(new ContainerNetwork("bridge", address)),
    };

    private static ConfigRendered Rendered(long version, params Guid[] causes) => new()
    {
        Host = "lb1",
        Version = version,
        Sha256 = new string((char)('a' + version), 64),
        Text = $"# lb1 v{version}\n",
        Commit = Commit,
        Causes = ValueList.Create(causes),
    };
}
