using GitOps.Core.Collections;
using GitOps.Core.Effective;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.Core.Text;
using GitOps.Docker.Client;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Tests.Support;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Reconciler.Tests.Agent;

public sealed class AgentHostTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private MartenEventStore? store;

    private MartenEventStore Store => store ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() =>
        store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = postgres.ConnectionString, PollInterval = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_ConfigRendered_StartsHAProxyOnItAndRecordsConfigApplied()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var backend = new LoopbackHttpServer("a");
        var host = NewHost();
        await using var run = new AgentRun(Store, host);
        // No engine answers there: the agent says so and applies all the same.
        run.Options = run.Options with { DockerEndpoint = DockerEndpoint.Parse("unix:///run/gitops-no-such-dir/docker.sock") };
        var port = LoopbackPorts.GetFree();
        run.Start();

        await RenderAsync(host, 1, Config(run, port, ("a", backend)), "c1", cts.Token);

        var applied = await WaitForAppliedAsync(host, 1, cts.Token);
        Assert.Equal(ApplyMethod.Start, applied.Method);
        Assert.Equal("c1", applied.Commit);
        Assert.Equal(ContentHash.Sha256Hex(Config(run, port, ("a", backend))), applied.Sha256);
        Assert.False(applied.Pinned);
        Assert.Equal("a", await LoopbackHttpClient.GetStringAsync(port, cancellationToken: cts.Token));
        Assert.False(run.Agent!.DiscoveryRunning);
        var recorded = Assert.Single(await StoreEvents.ReadAsync(Store, StreamNames.Applied(host), cts.Token));
        Assert.Equal("agent@" + host, recorded.Metadata.Actor);
        Assert.Equal("c1", recorded.Metadata.Commit);
    }

    [Fact]
    public async Task RunAsync_ServerOnlyChange_AppliedThroughTheRuntimeApiWithoutReload()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var a = new LoopbackHttpServer("a");
        await using var b = new LoopbackHttpServer("b");
        var host = NewHost();
        await using var run = new AgentRun(Store, host);
        var port = LoopbackPorts.GetFree();
        run.Start();
        await RenderAsync(host, 1, Config(run, port, ("a", a)), "c1", cts.Token);
        await WaitForAppliedAsync(host, 1, cts.Token);
        var reloads = await MasterCli.ReloadsAsync(run.MasterSocketPath, cts.Token);

        await RenderAsync(host, 2, Config(run, port, ("a", a), ("b", b)), "c1", cts.Token);

        var applied = await WaitForAppliedAsync(host, 2, cts.Token);
        Assert.Equal(ApplyMethod.Runtime, applied.Method);
        Assert.Contains(applied.Operations, o => o.StartsWith("add server b/b", StringComparison.Ordinal));
        Assert.Equal(reloads, await MasterCli.ReloadsAsync(run.MasterSocketPath, cts.Token));
        Assert.Equal(["a", "b"], await BodiesAsync(port, 6, cts.Token));
    }

    [Fact]
    public async Task RunAsync_ConfigFailingOnTheHost_RecordsApplyFailedKeepsServingAndAppliesTheNextGoodOne()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var a = new LoopbackHttpServer("a");
        await using var b = new LoopbackHttpServer("b");
        var host = NewHost();
        await using var run = new AgentRun(Store, host);
        var port = LoopbackPorts.GetFree();
        run.Start();
        await RenderAsync(host, 1, Config(run, port, ("a", a)), "c1", cts.Token);
        await WaitForAppliedAsync(host, 1, cts.Token);

        var missingCertificate = Config(run, port, ("a", a)) + $"""

            frontend tls
                bind 127.0.0.1:{LoopbackPorts.GetFree()} ssl crt /run/gitops-no-such-dir/agent-test.pem
                default_backend b
            """;
        await RenderAsync(host, 2, missingCertificate, "c2", cts.Token);

        var failed = await StoreEvents.WaitForAsync<ApplyFailed>(Store, StreamNames.Applied(host), f => f.Version == 2, Wait, cts.Token);
        Assert.Equal(1, failed.KeptVersion);
        Assert.StartsWith("haproxy -c rejected the configuration: ", failed.Error, StringComparison.Ordinal);
        Assert.Contains("/run/gitops-no-such-dir/agent-test.pem", failed.Error, StringComparison.Ordinal);
        Assert.Equal("a", await LoopbackHttpClient.GetStringAsync(port, cancellationToken: cts.Token));

        await RenderAsync(host, 3, Config(run, port, ("b", b)), "c3", cts.Token);

        var applied = await WaitForAppliedAsync(host, 3, cts.Token);
        Assert.Equal(ApplyMethod.Runtime, applied.Method);
        Assert.Equal(["b"], await BodiesAsync(port, 4, cts.Token));
        // The drift checks in between retried version 2 (the certificate could have been installed) without recording it again.
        Assert.Single(await StoreEvents.ReadAsync(Store, StreamNames.Applied(host), cts.Token), e => e.Data is ApplyFailed);
    }

    [Fact]
    public async Task RunAsync_StoppedMidwayAndRestarted_ConvergesToTheLatestWithNoDuplicateConfigApplied()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var a = new LoopbackHttpServer("a");
        await using var b = new LoopbackHttpServer("b");
        await using var c = new LoopbackHttpServer("c");
        var host = NewHost();
        await using var run = new AgentRun(Store, host);
        var port = LoopbackPorts.GetFree();
        run.Start();
        await RenderAsync(host, 1, Config(run, port, ("a", a)), "c1", cts.Token);
        await WaitForAppliedAsync(host, 1, cts.Token);

        // Stopped while version 2 is (or is about to be) applied; versions 2 and 3 pile up while it is down.
        await RenderAsync(host, 2, Config(run, port, ("b", b)), "c2", cts.Token);
        await run.StopAsync();
        await RenderAsync(host, 3, Config(run, port, ("c", c)), "c3", cts.Token);
        // HAProxy outlives the agent: still serving while no agent runs.
        Assert.NotEmpty(await BodiesAsync(port, 1, cts.Token));
        run.Start();

        var applied = await WaitForAppliedAsync(host, 3, cts.Token);
        Assert.Equal(["c"], await BodiesAsync(port, 4, cts.Token));

        // A third agent finds everything done: it adopts HAProxy and records nothing.
        await run.StopAsync();
        var before = await StoreEvents.ReadAsync(Store, StreamNames.Applied(host), cts.Token);
        run.Start();
        // Its first pass adopts HAProxy and decides what to record.
        await Poll.UntilAsync(() => run.Agent!.CompletedSteps >= 1, "the third agent's first pass", cancellationToken: cts.Token);
        Assert.Equal(3, run.Agent!.AppliedVersion);
        var after = await StoreEvents.ReadAsync(Store, StreamNames.Applied(host), cts.Token);
        Assert.Equal(before.Select(e => e.EventId), after.Select(e => e.EventId));
        var versions = after.Select(e => e.Data).OfType<ConfigApplied>().Select(e => e.Version).ToList();
        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(3, versions[^1]);
        Assert.NotEqual(ApplyMethod.Start, applied.Method);
    }

    [Fact]
    public async Task RunAsync_RollbackRequested_AppliesTheEarlierVersionAndStaysPinnedUntilANewCommit()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var a = new LoopbackHttpServer("a");
        await using var b = new LoopbackHttpServer("b");
        await using var c = new LoopbackHttpServer("c");
        var host = NewHost();
        await using var run = new AgentRun(Store, host);
        var port = LoopbackPorts.GetFree();
        run.Start();
        await RenderAsync(host, 1, Config(run, port, ("a", a)), "good", cts.Token);
        await RenderAsync(host, 2, Config(run, port, ("b", b)), "bad", cts.Token);
        await WaitForAppliedAsync(host, 2, cts.Token);

        var request = await Store.AppendAsync(StreamNames.Operator, ExpectedVersion.Any, new NewEvent(new RollbackRequested { Host = host, ToVersion = 1, Actor = "ops" }), cts.Token);

        var rolledBack = await StoreEvents.WaitForAsync<ConfigApplied>(Store, StreamNames.Applied(host), e => e.Version == 1 && e.Pinned, Wait, cts.Token);
        var requestId = (await StoreEvents.ReadAsync(Store, StreamNames.Operator, cts.Token)).Single(e => e.Version == request.Version).EventId;
        Assert.Equal(requestId, rolledBack.RollbackRequestId);
        Assert.Equal("good", rolledBack.Commit);
        Assert.Equal(["a"], await BodiesAsync(port, 4, cts.Token));

        // A re-rendering of the commit that was rolled back away from does not undo the rollback.
        await RenderAsync(host, 3, Config(run, port, ("b", b), ("c", c)), "bad", cts.Token);
        await WaitForPassAfterAsync(run, cts.Token);
        Assert.Equal(1, run.Agent!.AppliedVersion);
        Assert.DoesNotContain((await StoreEvents.ReadAsync(Store, StreamNames.Applied(host), cts.Token)).Select(e => e.Data), e => e is ConfigApplied { Version: 3 });

        // A new commit does.
        await RenderAsync(host, 4, Config(run, port, ("c", c)), "fix", cts.Token);

        var released = await WaitForAppliedAsync(host, 4, cts.Token);
        Assert.False(released.Pinned);
        Assert.Null(released.RollbackRequestId);
        Assert.Equal(["c"], await BodiesAsync(port, 4, cts.Token));
    }

    [Fact]
    public async Task RunAsync_ConfigNeedingAFileMissingHere_ReportsItAppliesTheRenderingWithoutItAndReportsTheFileAppearing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var a = new LoopbackHttpServer("a");
        var host = NewHost();
        await using var run = new AgentRun(Store, host);
        run.Options = run.Options with { HostFactsInterval = TimeSpan.FromMilliseconds(200) };
        var certificate = Path.Combine(run.Directory, "certs", "secure.pem");
        var needed = new RequiredFile { Path = certificate, Service = "secure", What = "TLS certificate", Setting = "listen.tls.certificate" };
        var port = LoopbackPorts.GetFree();
        run.Start();

        // As the controller renders before the host has reported: the service is in, and HAProxy would refuse the text.
        var withSecure = Config(run, port, ("a", a)) + $"""

            frontend secure
                bind 127.0.0.1:{LoopbackPorts.GetFree()} ssl crt {certificate}
                default_backend {HAProxyTestConfig.BackendName}
            """;
        await RenderAsync(host, 1, withSecure, "c1", cts.Token, needed);
        var missing = await StoreEvents.WaitForAsync<HostFactsObserved>(Store, StreamNames.HostFacts(host), _ => true, Wait, cts.Token);
        Assert.Equal([new HostFileFact { Path = certificate, State = HostFileState.Missing }], missing.Files);

        // The controller's answer to the facts: the service left out.
        await RenderAsync(host, 2, Config(run, port, ("a", a)), "c1", cts.Token, needed with { Problem = "does not exist" });
        var applied = await WaitForAppliedAsync(host, 2, cts.Token);
        Assert.Equal(ApplyMethod.Start, applied.Method);
        Assert.Equal("a", await LoopbackHttpClient.GetStringAsync(port, cancellationToken: cts.Token));

        // The file appears: noticed by the periodic check, with no new configuration to wake the agent.
        Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
        await File.WriteAllTextAsync(certificate, "certificate and key\n", cts.Token);
        var present = await StoreEvents.WaitForAsync<HostFactsObserved>(Store, StreamNames.HostFacts(host), f => f.Files[0].State == HostFileState.Present, Wait, cts.Token);
        Assert.Equal(ContentHash.Sha256Hex("certificate and key\n"), present.Files[0].Sha256);
        var facts = await StoreEvents.ReadAsync(Store, StreamNames.HostFacts(host), cts.Token);
        Assert.Equal(2, facts.Count);
        Assert.Equal("agent@" + host, facts[1].Metadata.Actor);
        Assert.DoesNotContain((await StoreEvents.ReadAsync(Store, StreamNames.Applied(host), cts.Token)).Select(e => e.Data), e => e is ApplyFailed);
    }

    private static string NewHost() => "lb-" + Guid.NewGuid().ToString("N")[..8];

    private static string Config(AgentRun run, int port, params (string Name, LoopbackHttpServer Server)[] servers) =>
        HAProxyTestConfig.Minimal(run.Options.AdminSocketPath, port, servers.Select(s => (s.Name, s.Server.EndPoint)));


    private async Task RenderAsync(string host, long version, string text, string commit, CancellationToken cancellationToken, params RequiredFile[] requiredFiles)
    {
        var rendered = new ConfigRendered { Host = host, Version = version, Sha256 = ContentHash.Sha256Hex(text), Text = text, Commit = commit, RequiredFiles = requiredFiles.ToValueList() };
        await Store.AppendAsync(StreamNames.Config(host), ExpectedVersion.Any, new NewEvent(rendered) { Commit = commit, Actor = "controller" }, cancellationToken);
    }

    private Task<ConfigApplied> WaitForAppliedAsync(string host, long version, CancellationToken cancellationToken) =>
        StoreEvents.WaitForAsync<ConfigApplied>(Store, StreamNames.Applied(host), e => e.Version == version, Wait, cancellationToken);

    /// <summary>The distinct bodies of <paramref name="count"/> requests through HAProxy, sorted.</summary>
    private static async Task<List<string>> BodiesAsync(int port, int count, CancellationToken cancellationToken)
    {
        var bodies = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            bodies.Add(await LoopbackHttpClient.GetStringAsync(port, cancellationToken: cancellationToken));
        }

        return [.. bodies];
    }

    /// <summary>
    /// Waits for a whole pass of the agent that began after what the test stored last: the pass in progress now may
    /// have read the streams before that, the one after it cannot have.
    /// </summary>
    private static Task WaitForPassAfterAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var seen = run.Agent!.CompletedSteps;
        return Poll.UntilAsync(() => run.Agent.CompletedSteps >= seen + 2, "a whole pass of the agent", cancellationToken: cancellationToken);
    }
}
