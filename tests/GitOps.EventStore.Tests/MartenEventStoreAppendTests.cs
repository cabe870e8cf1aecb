using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Effective;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.EventStore.Errors;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EventStore.Tests;

public sealed class MartenEventStoreAppendTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AppendAsync_NoStreamThenExact_NumbersEventsFromOne()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "s-" + Guid.NewGuid();

        var first = await store.AppendAsync(stream, ExpectedVersion.NoStream, [TestStore.Numbered("a"), TestStore.Numbered("b")], cts.Token);
        var second = await store.AppendAsync(stream, ExpectedVersion.Exact(2), TestStore.Numbered("c"), cts.Token);
        var third = await store.AppendAsync(stream, ExpectedVersion.Any, TestStore.Numbered("d"), cts.Token);

        Assert.Equal(new AppendResult(stream, 2, true), first);
        Assert.Equal(new AppendResult(stream, 3, true), second);
        Assert.Equal(new AppendResult(stream, 4, true), third);
        Assert.Equal(4, await store.StreamVersionAsync(stream, cts.Token));
    }

    [Fact]
    public async Task AppendAsync_Event_StoredAsTheJsonGitopsAlwaysWrote()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "s-" + Guid.NewGuid();

        await store.AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new ContainerHealthChanged { Host = "lb1", ContainerId = "c1", Health = ContainerHealth.Healthy }), cts.Token);

        // Camel-case names and enums by name, as the store before Marten wrote them and as the README documents.
        await using var connection = await store.OpenConnectionAsync(cts.Token);
        await using var command = new Npgsql.NpgsqlCommand("SELECT type, data::text FROM gitops.mt_events WHERE stream_id = $1", connection);
        command.Parameters.Add(new() { Value = stream });
        await using var reader = await command.ExecuteReaderAsync(cts.Token);
        Assert.True(await reader.ReadAsync(cts.Token));
        Assert.Equal(("ContainerHealthChanged", """{"host": "lb1", "health": "Healthy", "containerId": "c1"}"""), (reader.GetString(0), reader.GetString(1)));
    }

    [Fact]
    public async Task AppendAsync_ExactVersionBehind_ThrowsWithStreamExpectedAndActual()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "s-" + Guid.NewGuid();
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [TestStore.Numbered("a"), TestStore.Numbered("b")], cts.Token);

        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync(stream, ExpectedVersion.Exact(1), TestStore.Numbered("c"), cts.Token));
        var noStream = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync(stream, ExpectedVersion.NoStream, TestStore.Numbered("c"), cts.Token));

        Assert.Equal((stream, ExpectedVersion.Exact(1), 2L), (ex.Stream, ex.Expected, ex.Actual));
        Assert.Equal($"Stream '{stream}' is at version 2, but the append expected 1; read the stream again and retry.", ex.Message);
        Assert.Equal((ExpectedVersion.NoStream, 2L), (noStream.Expected, noStream.Actual));
        Assert.Equal(2, await store.StreamVersionAsync(stream, cts.Token));
    }

    [Fact]
    public async Task AppendAsync_ExactVersionOnStreamThatDoesNotExist_ThrowsWithActualZero()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "s-" + Guid.NewGuid();

        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync(stream, ExpectedVersion.Exact(3), TestStore.Numbered("a"), cts.Token));

        Assert.Equal((stream, ExpectedVersion.Exact(3), 0L), (ex.Stream, ex.Expected, ex.Actual));
        Assert.Equal(0, await store.StreamVersionAsync(stream, cts.Token));
    }

    [Fact]
    public async Task AppendAsync_TwoWritersRaceOnOneVersion_ExactlyOneWinsAndLoserGetsTypedException()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "race-" + Guid.NewGuid();
        for (var round = 0; round < 30; round++)
        {
            var expected = ExpectedVersion.Exact(round);
            using var start = new Barrier(2);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(
                async () =>
                {
                    start.SignalAndWait(cts.Token);
                    try
                    {
                        return (Result: (AppendResult?)await store.AppendAsync(stream, round == 0 ? ExpectedVersion.NoStream : expected, TestStore.Numbered($"{round}-{w}"), cts.Token), Error: (WrongExpectedVersionException?)null);
                    }
                    catch (WrongExpectedVersionException ex)
                    {
                        return (Result: (AppendResult?)null, Error: (WrongExpectedVersionException?)ex);
                    }
                },
                cts.Token)));

            var won = Assert.Single(outcomes, o => o.Result is not null);
            Assert.Equal(round + 1, won.Result!.Version);
            var conflict = Assert.Single(outcomes, o => o.Error is not null).Error!;
            Assert.Equal((stream, (long)round, round + 1L), (conflict.Stream, conflict.Expected.Value, conflict.Actual));
        }

        var events = await TestStore.ToListAsync(store.ReadStreamAsync(stream, cancellationToken: cts.Token), cts.Token);
        Assert.Equal(Enumerable.Range(1, 30).Select(v => (long)v), events.Select(e => e.Version));
    }

    [Fact]
    public async Task AppendAsync_RetriedWithSameEventIds_SucceedsAndAddsNothing()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "s-" + Guid.NewGuid();
        NewEvent[] batch = [TestStore.Numbered("a"), TestStore.Numbered("b")];

        var first = await store.AppendAsync(stream, ExpectedVersion.NoStream, batch, cts.Token);
        var retry = await store.AppendAsync(stream, ExpectedVersion.NoStream, batch, cts.Token);
        var retryAny = await store.AppendAsync(stream, ExpectedVersion.Any, batch, cts.Token);

        Assert.Equal(new AppendResult(stream, 2, true), first);
        Assert.Equal(new AppendResult(stream, 2, false), retry);
        Assert.Equal(new AppendResult(stream, 2, false), retryAny);
        var events = await TestStore.ToListAsync(store.ReadStreamAsync(stream, cancellationToken: cts.Token), cts.Token);
        Assert.Equal(["a", "b"], events.Select(TestStore.Label));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentRetriesOfOneAppend_StoreItOnce()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var stream = "s-" + Guid.NewGuid();
        NewEvent[] batch = [TestStore.Numbered("a"), TestStore.Numbered("b"), TestStore.Numbered("c")];

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.AppendAsync(stream, ExpectedVersion.Any, batch, cts.Token), cts.Token)));

        Assert.Single(results, r => r.Appended);
        Assert.All(results, r => Assert.Equal(3, r.Version));
        Assert.Equal(3, await store.StreamVersionAsync(stream, cts.Token));
    }

    [Fact]
    public async Task AppendAsync_EventIdStoredInOtherStream_ThrowsEventIdConflict()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var original = TestStore.Numbered("a");
        await store.AppendAsync("s-" + Guid.NewGuid(), ExpectedVersion.Any, original, cts.Token);
        var other = "s-" + Guid.NewGuid();

        var ex = await Assert.ThrowsAsync<EventIdConflictException>(() => store.AppendAsync(other, ExpectedVersion.Any, [TestStore.Numbered("x"), original], cts.Token));

        Assert.Equal([original.EventId], ex.EventIds);
        Assert.Equal(0, await store.StreamVersionAsync(other, cts.Token));
    }

    [Fact]
    public async Task AppendManyAsync_SeveralStreams_AllInOneTransactionWithConsecutivePositions()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var (a, b) = ("s-" + Guid.NewGuid(), "s-" + Guid.NewGuid());
        await store.AppendAsync(b, ExpectedVersion.NoStream, TestStore.Numbered("b1"), cts.Token);

        StreamAppend[] batch = [new(a, ExpectedVersion.NoStream, [TestStore.Numbered("a1"), TestStore.Numbered("a2")]), new(b, ExpectedVersion.Exact(1), [TestStore.Numbered("b2")])];

        var results = await store.AppendManyAsync(batch, cts.Token);
        // A retry of an append that committed (its answer lost): the same ids, nothing added.
        var retried = await store.AppendManyAsync(batch, cts.Token);

        Assert.Equal([new AppendResult(a, 2, true), new AppendResult(b, 2, true)], results);
        Assert.Equal([new AppendResult(a, 2, false), new AppendResult(b, 2, false)], retried);
        var all = (await TestStore.ToListAsync(store.ReadStreamAsync(a, cancellationToken: cts.Token), cts.Token))
            .Concat(await TestStore.ToListAsync(store.ReadStreamAsync(b, cancellationToken: cts.Token), cts.Token))
            .Where(e => TestStore.Label(e) != "b1")
            .Select(e => e.Position.Sequence)
            .Order()
            .ToList();
        Assert.Equal(Enumerable.Range(0, 3).Select(i => all[0] + i), all);
    }

    [Fact]
    public async Task AppendManyAsync_OneStreamAtAnotherVersion_NothingAppendedAndTheStreamNamed()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var (a, b) = ("s-" + Guid.NewGuid(), "s-" + Guid.NewGuid());
        await store.AppendAsync(b, ExpectedVersion.NoStream, [TestStore.Numbered("b1"), TestStore.Numbered("b2")], cts.Token);

        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendManyAsync(
            [new StreamAppend(a, ExpectedVersion.NoStream, [TestStore.Numbered("a1")]), new StreamAppend(b, ExpectedVersion.Exact(1), [TestStore.Numbered("b3")])],
            cts.Token));

        Assert.Equal((b, ExpectedVersion.Exact(1), 2L), (ex.Stream, ex.Expected, ex.Actual));
        Assert.Equal(0, await store.StreamVersionAsync(a, cts.Token));
        Assert.Equal(2, await store.StreamVersionAsync(b, cts.Token));
    }

    [Fact]
    public async Task ReadStreamAsync_ForwardsAndBackwardsFromVersion_ReturnsPagesInOrder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(database.ConnectionString) with { PageSize = 7 }, cancellationToken: cts.Token);
        var stream = "s-" + Guid.NewGuid();
        await store.AppendAsync(stream, ExpectedVersion.NoStream, Enumerable.Range(1, 25).Select(i => TestStore.Numbered(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(), cts.Token);

        var forwards = await TestStore.ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards, cancellationToken: cts.Token), cts.Token);
        var backwards = await TestStore.ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Backwards, cancellationToken: cts.Token), cts.Token);
        var middle = await TestStore.ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards, from: 10, maxCount: 9, cancellationToken: cts.Token), cts.Token);
        var lastThree = await TestStore.ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Backwards, maxCount: 3, cancellationToken: cts.Token), cts.Token);
        var missing = await TestStore.ToListAsync(store.ReadStreamAsync("no-such-stream", cancellationToken: cts.Token), cts.Token);

        Assert.Equal(Enumerable.Range(1, 25).Select(v => (long)v), forwards.Select(e => e.Version));
        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(v => (long)v), backwards.Select(e => e.Version));
        Assert.Equal(Enumerable.Range(10, 9).Select(v => (long)v), middle.Select(e => e.Version));
        Assert.Equal([25L, 24L, 23L], lastThree.Select(e => e.Version));
        Assert.Empty(missing);
    }

    [Fact]
    public async Task AppendAsync_Metadata_IsStoredWithInjectedClock()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await using var store = await TestStore.OpenAsync(database, cts.Token, new FixedTimeProvider(now));
        var stream = "s-" + Guid.NewGuid();
        var cause = TestStore.Numbered("cause");
        var effect = TestStore.Numbered("effect") with { CorrelationId = cause.EventId, CausationId = cause.EventId, Actor = "alice", Commit = "abc123" };

        await store.AppendAsync(stream, ExpectedVersion.NoStream, [cause, effect], cts.Token);
        var events = await TestStore.ToListAsync(store.ReadStreamAsync(stream, cancellationToken: cts.Token), cts.Token);

        Assert.Equal(new EventMetadata { CorrelationId = cause.EventId, Actor = "test" }, events[0].Metadata);
        Assert.Equal(new EventMetadata { CorrelationId = cause.EventId, CausationId = cause.EventId, Actor = "alice", Commit = "abc123" }, events[1].Metadata);
        Assert.Equal([cause.EventId, effect.EventId], events.Select(e => e.EventId));
        Assert.All(events, e => Assert.Equal(now, e.Timestamp));
        Assert.All(events, e => Assert.Equal("DriftCorrected", e.Type));
    }

    [Fact]
    public async Task AppendAsync_EveryCoreEvent_RoundTripsThroughJsonb()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var networks = ValueList.Create(new ContainerNetwork("bridge", "172.17.0.2"));
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        IEvent[] all =
        [
            new DesiredStateObserved { Commit = "c1", Parents = ValueList.Create("c0"), Author = "Ann", Message = "add web", Services = ValueList.Create("web") },
            new DesiredStateRejected { Commit = "c2", Errors = ValueList.Create("services/web.yaml:3:7: error GITOPS001: bad") },
            new ContainerStarted { Host = "h1", ContainerId = "abc", Name = "web-1", Labels = new ValueMap([KeyValuePair.Create("app", "web")]), Health = ContainerHealth.Starting, Networks = networks },
            new ContainerStopped { Host = "h1", ContainerId = "abc", Name = "web-1" },
            new ContainerHealthChanged { Host = "h1", ContainerId = "abc", Health = ContainerHealth.Healthy },
            new ContainerAddressChanged { Host = "h1", ContainerId = "abc", Networks = networks },
            new ContainerLabelRejected { Host = "h1", ContainerId = "abc", Name = "web-1", Diagnostics = ValueList.Create("error GITOPS312: container 'web-1': label 'x' is bad") },
            new DiscoveryResynced { Host = "h1", Snapshot = ValueList.Create(new ObservedContainer { Id = "abc", Name = "web-1", State = "running", Networks = networks }) },
            new ConfigRendered { Host = "lb1", Version = 3, Sha256 = "00ff", Text = "global\n", Commit = "c1", Causes = ValueList.Create(Guid.NewGuid()) },
            new ConfigRendered
            {
                Host = "lb1", Version = 4, Sha256 = "00fe", Text = "global\n", Commit = "c1",
                RequiredFiles = ValueList.Create(
                    new RequiredFile { Path = "/etc/gitops/certs/shop.pem", Service = "shop", What = "TLS certificate", Setting = "listen.tls.certificate", Source = new SourceLocation("services/shop.yaml", 11, 18), Problem = "does not exist" },
                    new RequiredFile { Path = "/etc/gitops/certs/api.pem", Service = "api", What = "TLS certificate", Setting = "listen.tls.certificate" }),
            },
            new AgentStarted { Host = "lb9" },
            new HostFactsObserved
            {
                Host = "lb1",
                Files = ValueList.Create(
                    new HostFileFact { Path = "/etc/gitops/certs/api.pem", State = HostFileState.Present, Sha256 = "9f86d081" },
                    new HostFileFact { Path = "/etc/gitops/certs/key.pem", State = HostFileState.Unreadable, Detail = "permission denied" },
                    new HostFileFact { Path = "/etc/gitops/certs/shop.pem", State = HostFileState.Missing }),
            },
            new ConfigRejected { Host = "lb1", Sha256 = "0abc", Commit = "c1", Errors = ValueList.Create("[ALERT] parsing [haproxy.cfg:3]"), Causes = ValueList.Create(Guid.NewGuid()) },
            new ConfigApplied { Host = "lb1", Version = 3, Method = ApplyMethod.Runtime, Duration = TimeSpan.FromMilliseconds(12) },
            new ConfigApplied
            {
                Host = "lb1", Version = 2, Method = ApplyMethod.Reload, Duration = TimeSpan.FromMilliseconds(80), Sha256 = "00ee", Commit = "c0",
                Operations = ValueList.Create("reload because a frontend changed"), Pinned = true, RollbackRequestId = Guid.NewGuid(),
            },
            new ApplyFailed { Host = "lb1", Version = 4, Error = "haproxy -c failed", KeptVersion = 3, Operations = ValueList.Create("restored the last good file") },
            new RollbackRequested { Host = "lb1", ToVersion = 2, Actor = "bob" },
            new DriftCorrected { Host = "lb1", What = "server web/s1 address" },
            new DriftCorrected { Host = "lb1", What = "a; b", Differences = ValueList.Create("a", "b"), Version = 3, Method = ApplyMethod.Runtime },
            new VirtualAddressAcquired { Host = "lb1", Address = "10.99.0.10/24", Reason = "master at priority 254", At = at, State = "MASTER", Priority = 254 },
            new VirtualAddressReleased { Host = "lb1", Address = "10.99.0.10/24", Reason = "keepalived stopped", At = at, State = "STOP" },
            new VirtualAddressFaulted { Host = "lb2", Address = "10.99.0.10/24", Reason = "interface eth0 is down", At = at, State = "FAULT", Priority = 253 },
        ];
        Assert.Equal(all.Select(e => e.GetType().Name).Distinct().Order(), store.Registry.TypeNames.Order());
        var stream = StreamNames.Config("lb-" + Guid.NewGuid().ToString("N"));

        await store.AppendAsync(stream, ExpectedVersion.NoStream, all.Select(e => new NewEvent(e)).ToList(), cts.Token);
        var events = await TestStore.ToListAsync(store.ReadStreamAsync(stream, cancellationToken: cts.Token), cts.Token);

        Assert.Equal(all, events.Select(e => e.Data));
    }

    [Fact]
    public void StreamNames_PerHost_UseDesignPrefixes()
    {
        Assert.Equal(
            ["desired", "operator", "docker-h1", "config-lb1", "applied-lb1", "host-lb1"],
            [StreamNames.Desired, StreamNames.Operator, StreamNames.Docker("h1"), StreamNames.Config("lb1"), StreamNames.Applied("lb1"), StreamNames.HostFacts("lb1")]);
        Assert.Equal("lb1", StreamNames.HostOf(StreamNames.HostFacts("lb1")));
        Assert.Throws<ArgumentException>(() => StreamNames.Docker(" "));
    }
}
