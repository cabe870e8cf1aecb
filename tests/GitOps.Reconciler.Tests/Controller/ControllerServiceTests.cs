using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.EventStore;
using GitOps.Reconciler.ReadModels;
using GitOps.Reconciler.Tests.Support;
using GitOps.Testing;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Reconciler.Tests.Controller;

/// <summary>The controller against real PostgreSQL, git and haproxy: commits and container events in, checked configs out.</summary>
public sealed class ControllerServiceTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Commit_RendersCheckedConfigForEachHost()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        var commit = await DesiredRepo.CommitInitialAsync(world.Git);

        await world.StartControllerAsync();

        var desired = await world.WaitForStreamAsync(StreamNames.Desired, 1);
        var observed = Assert.IsType<DesiredStateObserved>(desired[0].Data);
        Assert.Equal(commit, observed.Commit);
        Assert.Equal(["gitops.yaml", "services/web.yaml"], observed.Files.Select(f => f.Path));
        foreach (var host in new[] { "lb1", "lb2" })
        {
            var rendered = Assert.IsType<ConfigRendered>((await world.WaitForStreamAsync(StreamNames.Config(host), 1))[0].Data);
            Assert.Equal(1, rendered.Version);
            Assert.Equal(commit, rendered.Commit);
            Assert.Equal([desired[0].EventId], rendered.Causes);
            Assert.Contains("192.0.2.10:8080", rendered.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvalidCommit_IsRejectedAndLastGoodConfigStays()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        await world.StartControllerAsync();
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);

        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web(port: 70000));
        var bad = await world.Git.CommitAsync("port out of range");

        var desired = await world.WaitForStreamAsync(StreamNames.Desired, 2);
        var rejected = Assert.IsType<DesiredStateRejected>(desired[1].Data);
        Assert.Equal(bad, rejected.Commit);
        Assert.Contains(rejected.Errors, e => e.StartsWith("services/web.yaml:", StringComparison.Ordinal) && e.Contains("70000", StringComparison.Ordinal));
        // A container event after the rejection renders against the last good state, not the rejected one.
        await world.StartContainerAsync("lb1", "c1", "172.17.0.2");
        var rendered = await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2);
        Assert.Equal(((ConfigRendered)rendered[0].Data).Commit, ((ConfigRendered)rendered[1].Data).Commit);
        Assert.Contains("bind :8080", ((ConfigRendered)rendered[1].Data).Text, StringComparison.Ordinal);
        Assert.Single(await world.ReadStreamAsync(StreamNames.Config("lb2")));
    }

    [Fact]
    public async Task Revert_RendersByteIdenticalConfigAndHistoryShowsAllThree()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        var first = await DesiredRepo.CommitInitialAsync(world.Git);
        await world.StartControllerAsync();
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web(balance: "leastconn"));
        var change = await world.Git.CommitAsync("web: leastconn");
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2);

        var revert = await world.Git.RevertAsync(change);

        foreach (var host in new[] { "lb1", "lb2" })
        {
            await world.WaitForStreamAsync(StreamNames.Config(host), 3);
            var rendered = await world.RenderedAsync(host);
            Assert.Equal([first, change, revert], rendered.Select(r => r.Commit));
            Assert.Equal(rendered[0].Text, rendered[2].Text);
            Assert.Equal(rendered[0].Sha256, rendered[2].Sha256);
            Assert.NotEqual(rendered[0].Sha256, rendered[1].Sha256);
        }

        var history = await new ReadModelQueries(world.Store).HistoryAsync("lb1", 10, CancellationToken.None);
        Assert.Equal([3L, 2L, 1L], history.Select(h => h.Version));
        Assert.Equal([revert, change, first], history.Select(h => h.Commit));
        Assert.Equal(["Revert \"web: leastconn\"", "web: leastconn", "add web"], history.Select(h => h.Subject));
    }

    [Fact]
    public async Task ContainerNoServiceSelects_IsNotACauseOfTheRenderingItCameWith()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        await world.StartControllerAsync(world.Options(coalesce: TimeSpan.FromSeconds(1)));
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);

        // One append, so one rendering: a container no service selects, and one the web service selects.
        var unrelated = new NewEvent(Started("db1", "db"));
        var web = new NewEvent(Started("c1", "web"));
        await world.Store.AppendAsync(StreamNames.Docker("lb1"), ExpectedVersion.Any, [unrelated, web], CancellationToken.None);

        var rendered = await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2);
        Assert.Equal([web.EventId], ((ConfigRendered)rendered[1].Data).Causes);
    }

    [Fact]
    public async Task Restart_AppendsNoDuplicates()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        var initial = await DesiredRepo.CommitInitialAsync(world.Git);
        var first = await world.StartControllerAsync();
        await world.WaitForStreamAsync(StreamNames.Config("lb2"), 1);
        await first.StopAsync(CancellationToken.None);

        var second = await world.StartControllerAsync();
        await ControllerHarness.WaitUntilAsync(() => second.IsLeader, "the restarted controller to lead");
        // A later commit that renders the same text: once the restarted leader has handled it, it has replayed the
        // store and rendered whatever it thought missing, and its git watch has run.
        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web() + "# a comment changes no configuration\n");
        var comment = await world.Git.CommitAsync("comment only");
        await world.WaitUntilHandledAsync((await world.WaitForStreamAsync(StreamNames.Desired, 2))[1]);

        Assert.Equal([initial, comment], (await world.ReadStreamAsync(StreamNames.Desired)).Select(e => ((DesiredStateObserved)e.Data).Commit));
        Assert.Single(await world.ReadStreamAsync(StreamNames.Config("lb1")));
        Assert.Single(await world.ReadStreamAsync(StreamNames.Config("lb2")));
    }

    [Fact]
    public async Task LeaderStops_OtherTakesOverAtItsNextTryAndRendersEachCauseOnce()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        var leader = await world.StartControllerAsync();
        await ControllerHarness.WaitUntilAsync(() => leader.IsLeader, "the first controller to lead");
        // The follower runs on a clock the test steps, and without a coalescing window (which would wait on that clock too).
        var clock = new SteppedClock();
        var followerOptions = world.Options(coalesce: TimeSpan.Zero);
        var tryInterval = followerOptions.LeaderPollInterval;
        var follower = await world.StartControllerAsync(followerOptions, clock);
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        await clock.WaitUntilCreatedAsync(tryInterval, 1);
        Assert.False(follower.IsLeader);

        // Inputs the leader may or may not have handled when it stops: whoever handles them renders them once.
        await world.StartContainerAsync("lb1", "c1", "172.17.0.2");
        await leader.StopAsync(CancellationToken.None);
        // One try interval of the follower's clock (1 s by default) is all it takes: the stopped leader released the lock.
        await Poll.UntilAsync(() => follower.IsLeader || clock.WaitingFor(tryInterval) > 0, "the follower to wait for its next try");
        clock.Advance(tryInterval);
        await ControllerHarness.WaitUntilAsync(() => follower.IsLeader, "the follower to take over at its next try");
        await world.StartContainerAsync("lb1", "c2", "172.17.0.3");
        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web(balance: "leastconn"));
        await world.Git.CommitAsync("web: leastconn");
        await world.WaitForStreamAsync(StreamNames.Desired, 2);
        await ControllerHarness.WaitUntilAsync(() => follower.IsLeader, "the follower to keep leading");
        var lb1 = await WaitForCausesAsync(world, "lb1", 4);

        var causes = lb1.SelectMany(r => r.Causes).ToList();
        Assert.Equal(causes.Distinct().Count(), causes.Count);
        var inputs = (await world.ReadStreamAsync(StreamNames.Desired)).Concat(await world.ReadStreamAsync(StreamNames.Docker("lb1"))).Select(e => e.EventId);
        Assert.Equal(inputs.Order(), causes.Order());
        Assert.Equal(Enumerable.Range(1, lb1.Count).Select(v => (long)v), lb1.Select(r => r.Version));
    }

    [Fact]
    public async Task ContainerEvent_ReRendersOnlyThatHost()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        await world.StartControllerAsync();
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        await world.WaitForStreamAsync(StreamNames.Config("lb2"), 1);

        var eventId = Guid.CreateVersion7();
        await world.StartContainerAsync("lb2", "c1", "172.17.0.9", eventId);

        var rendered = await world.WaitForStreamAsync(StreamNames.Config("lb2"), 2);
        var second = (ConfigRendered)rendered[1].Data;
        Assert.Equal([eventId], second.Causes);
        Assert.Contains("172.17.0.9:80", second.Text, StringComparison.Ordinal);
        await world.WaitUntilHandledAsync((await world.ReadStreamAsync(StreamNames.Docker("lb2"))).Single());
        Assert.Single(await world.ReadStreamAsync(StreamNames.Config("lb1")));
    }

    [Fact]
    public async Task HostsWithTheSameText_ShareOneCheck_AndServersShapedLikeCheckedOnesNeedNone()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        world.Git.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: lb1\n  - name: lb2\n  - name: lb3\n")
            .WriteFile("services/web.yaml", DesiredRepo.Web());
        await world.Git.CommitAsync("three hosts");
        // The real haproxy, behind a script that notes each check it is given a text for (a check started ahead and never
        // used notes nothing).
        var scratch = world.Git.ScratchDirectory("haproxy");
        var log = Path.Combine(scratch, "checks.log");
        var program = Path.Combine(scratch, "haproxy");
        await ExecutableFile.WriteAsync(program, $"#!/bin/sh\ninput=$(cat)\necho check >> '{log}'\nprintf '%s\\n' \"$input\" | exec /usr/sbin/haproxy \"$@\"\n");
        int Checks() => File.Exists(log) ? File.ReadAllLines(log).Length : 0;

        await world.StartControllerAsync(world.Options() with { HAProxyProgram = program });

        foreach (var host in new[] { "lb1", "lb2", "lb3" })
        {
            await world.WaitForStreamAsync(StreamNames.Config(host), 1);
        }

        Assert.Equal(1, Checks());
        // A container's server line is shaped like the backend's checked one: published without haproxy -c.
        await world.StartContainerAsync("lb1", "c1", "172.17.0.9");
        await world.StartContainerAsync("lb2", "c2", "172.17.0.10");
        Assert.Contains("server web-c1 172.17.0.9:80", ((ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2))[1].Data).Text, StringComparison.Ordinal);
        Assert.Contains("server web-c2 172.17.0.10:80", ((ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb2"), 2))[1].Data).Text, StringComparison.Ordinal);
        Assert.Equal(1, Checks());

        // A commit changes another line: one host's text is checked, and the others differ from it in servers alone.
        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web(balance: "leastconn"));
        await world.Git.CommitAsync("leastconn");
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 3);
        await world.WaitForStreamAsync(StreamNames.Config("lb2"), 3);
        await world.WaitForStreamAsync(StreamNames.Config("lb3"), 2);
        Assert.Equal(2, Checks());
        // A server's weight is one of the values a shape leaves open: a weight change needs no check either.
        world.Git.WriteFile("services/web.yaml", DesiredRepo.Web(balance: "leastconn").Replace("address: 192.0.2.10:8080 }", "address: 192.0.2.10:8080, weight: 7 }", StringComparison.Ordinal));
        await world.Git.CommitAsync("legacy weight 7");
        await world.WaitForStreamAsync(StreamNames.Config("lb3"), 3);
        Assert.Contains("weight 7", ((ConfigRendered)(await world.ReadStreamAsync(StreamNames.Config("lb3")))[2].Data).Text, StringComparison.Ordinal);
        Assert.Equal(2, Checks());
    }

    [Fact]
    public async Task ContainerBurst_FirstRenderedAtOnceTheRestCoalescedIntoOneRender()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        // The coalescing window is on a clock the test steps: it stays open, however slow the machine, until the test closes it.
        var clock = new SteppedClock();
        var window = TimeSpan.FromSeconds(2);
        await world.StartControllerAsync(world.Options(coalesce: window), clock);
        await world.WaitForStreamAsync(StreamNames.Desired, 1);
        await world.SettleAsync(clock, window);
        clock.Advance(window);

        // After a quiet spell, the first container is rendered at once: the clock stands still, no window can pass.
        var ids = new List<Guid> { Guid.CreateVersion7() };
        await world.StartContainerAsync("lb1", "c0", "172.17.0.2", ids[0]);
        var first = await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2);
        Assert.Equal([ids[0]], ((ConfigRendered)first[1].Data).Causes);
        // Its own ConfigRendered comes back within the window: the controller then waits on the window, rendering nothing.
        await Poll.UntilAsync(() => clock.WaitingFor(window) > 0, "the controller waiting on the window after the first rendering");
        var windows = clock.Created(window);

        // The rest of the burst, right after that rendering, is gathered until the window since it has passed.
        for (var i = 1; i < 10; i++)
        {
            ids.Add(Guid.CreateVersion7());
            await world.StartContainerAsync("lb1", $"c{i}", $"172.17.0.{i + 2}", ids[^1]);
            // Taken in: the controller waits on what is left of the window again.
            await clock.WaitUntilCreatedAsync(window, windows + i);
        }

        Assert.Equal(2, (await world.ReadStreamAsync(StreamNames.Config("lb1"))).Count);
        clock.Advance(window);
        await world.SettleAsync(clock, window);
        var rendered = await world.ReadStreamAsync(StreamNames.Config("lb1"));
        Assert.Equal(3, rendered.Count);
        Assert.Equal(ids[1..], ((ConfigRendered)rendered[2].Data).Causes);
    }

    [Fact]
    public async Task TlsCertificateOnlyOnTheHosts_PassesTheCentralCheck()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        world.Git.WriteFile("gitops.yaml", DesiredRepo.Settings).WriteFile("services/secure.yaml", """
            apiVersion: gitops/v1
            kind: Service
            name: secure
            listen: { port: 8443, mode: http, tls: { certificate: /etc/gitops-test-absent/secure.pem, redirectFrom: 8081 } }
            backend:
              servers:
                - { name: legacy, address: 192.0.2.10:8080 }
            """);
        await world.Git.CommitAsync("add secure");

        await world.StartControllerAsync();

        var rendered = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1))[0].Data;
        Assert.Contains("crt /etc/gitops-test-absent/secure.pem", rendered.Text, StringComparison.Ordinal);
        Assert.Empty(await world.ReadStreamAsync(StreamNames.Rejected("lb1")));
    }

    [Fact]
    public async Task ConfigRefusedByHaproxyCheck_IsRecordedAsRejectedAndTheLastGoodVersionStays()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        var good = await DesiredRepo.CommitInitialAsync(world.Git);
        await world.StartControllerAsync();
        await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1);
        // Valid for gitops' validation, refused by the real `haproxy -c`: the certificate file exists
        // (so the central check does not replace it with a placeholder) but holds no certificate.
        var notAPem = Path.Combine(world.Git.ScratchDirectory("certs"), "broken.pem");
        await File.WriteAllTextAsync(notAPem, "this is not a PEM bundle\n");
        world.Git.WriteFile("services/secure.yaml", $$"""
            apiVersion: gitops/v1
            kind: Service
            name: secure
            listen: { port: 8443, mode: http, tls: { certificate: {{notAPem}}, redirectFrom: null } }
            backend:
              servers:
                - { name: legacy, address: 192.0.2.10:8080 }
            """);
        var bad = await world.Git.CommitAsync("add secure with a broken certificate");

        var rejected = (ConfigRejected)(await world.WaitForStreamAsync(StreamNames.Rejected("lb1"), 1))[0].Data;

        Assert.Equal(bad, rejected.Commit);
        Assert.Contains(rejected.Errors, e => e.Contains("broken.pem", StringComparison.Ordinal));
        var rendered = await world.RenderedAsync("lb1");
        Assert.Equal(good, Assert.Single(rendered).Commit);
        Assert.DoesNotContain("broken.pem", rendered[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostFacts_CertificateMissingOnOneHost_ThatHostRendersWithoutTheServiceUntilTheFileIsThere()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        const string certificate = "/etc/gitops-test-absent/secure.pem";
        await DesiredRepo.CommitInitialAsync(world.Git);
        world.Git.WriteFile("services/secure.yaml", $$"""
            apiVersion: gitops/v1
            kind: Service
            name: secure
            listen: { port: 8443, mode: http, tls: { certificate: {{certificate}}, redirectFrom: null } }
            backend:
              servers:
                - { name: legacy, address: 192.0.2.10:8080 }
            """);
        await world.Git.CommitAsync("add secure");
        await world.StartControllerAsync();
        var first = (await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1))[^1];
        var needed = Assert.Single(((ConfigRendered)first.Data).RequiredFiles);
        Assert.Equal((certificate, "secure", new SourceLocation("services/secure.yaml", 4, 55), (string?)null), (needed.Path, needed.Service, needed.Source, needed.Problem));

        var missing = await AppendFactsAsync(world, "lb1", new HostFileFact { Path = certificate, State = HostFileState.Missing });

        var without = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2))[1].Data;
        Assert.Equal([missing], without.Causes);
        Assert.DoesNotContain(certificate, without.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", without.Text, StringComparison.Ordinal);
        Assert.Contains("192.0.2.10:8080", without.Text, StringComparison.Ordinal);
        Assert.Equal("does not exist", Assert.Single(without.RequiredFiles).Problem);
        Assert.Single(await world.ReadStreamAsync(StreamNames.Config("lb2")));
        var status = await new ReadModelQueries(world.Store).StatusAsync(CancellationToken.None);
        Assert.Equal(
            [$"services/secure.yaml:4:55: error GITOPS405: service 'secure' is not served on host 'lb1': its TLS certificate '{certificate}' does not exist there. " +
             "Put the file at that path on 'lb1', readable by the agent, or change 'listen.tls.certificate'; once the agent sees the file, the service is served again without a restart."],
            status.Hosts.Single(h => h.Host == "lb1").LeftOut);
        Assert.Empty(status.Hosts.Single(h => h.Host == "lb2").LeftOut);
        Assert.Equal(status.Hosts.Single(h => h.Host == "lb1").LeftOut, (await new ReadModelQueries(world.Store).HistoryAsync("lb1", 1, CancellationToken.None))[0].LeftOut);

        await AppendFactsAsync(world, "lb1", new HostFileFact { Path = certificate, State = HostFileState.Present, Sha256 = "00" });

        var back = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 3))[2].Data;
        Assert.Equal(((ConfigRendered)first.Data).Text, back.Text);
        Assert.Empty((await new ReadModelQueries(world.Store).StatusAsync(CancellationToken.None)).Hosts.Single(h => h.Host == "lb1").LeftOut);
    }

    [Fact]
    public async Task HostFacts_TransparentProxyingImpossibleOnOneHost_ThatHostRendersWithoutTheServiceUntilTheAgentCan()
    {
        await using var world = await ControllerHarness.CreateAsync(database);
        await DesiredRepo.CommitInitialAsync(world.Git);
        world.Git.WriteFile("services/db.yaml", """
            apiVersion: gitops/v1
            kind: Service
            name: db
            listen: { port: 5433, mode: tcp }
            backend:
              clientAddress: transparent
              servers:
                - { name: primary, address: 192.0.2.20:5432 }
            """);
        await world.Git.CommitAsync("add db");
        await world.StartControllerAsync();
        var first = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 1))[^1].Data;
        var needed = Assert.Single(first.RequiredCapabilities);
        Assert.Equal((HostCapabilityFact.TransparentProxy, "db", (string?)null), (needed.Name, needed.Service, needed.Problem));
        Assert.Contains("usesrc clientip", first.Text, StringComparison.Ordinal);

        const string problem = "not permitted to change the kernel's packet rules (the agent needs root or CAP_NET_ADMIN): `iptables …` said: Permission denied";
        var cannot = new NewEvent(new HostFactsObserved
        {
            Host = "lb1", Files = ValueList<HostFileFact>.Empty, Capabilities = ValueList.Create(new HostCapabilityFact { Name = HostCapabilityFact.TransparentProxy, Problem = problem }),
        });
        await world.Store.AppendAsync(StreamNames.HostFacts("lb1"), ExpectedVersion.Any, cannot, CancellationToken.None);

        var without = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 2))[1].Data;
        Assert.Equal([cannot.EventId], without.Causes);
        Assert.DoesNotContain("usesrc", without.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.20", without.Text, StringComparison.Ordinal);
        Assert.Equal(problem, Assert.Single(without.RequiredCapabilities).Problem);
        var leftOut = Assert.Single((await new ReadModelQueries(world.Store).StatusAsync(CancellationToken.None)).Hosts.Single(h => h.Host == "lb1").LeftOut);
        Assert.Contains($"services/db.yaml:6:18: error GITOPS406: service 'db' is not served on host 'lb1': 'backend.clientAddress: transparent' needs transparent proxying there, which the agent cannot set up: {problem}.", leftOut, StringComparison.Ordinal);
        Assert.Empty((await new ReadModelQueries(world.Store).StatusAsync(CancellationToken.None)).Hosts.Single(h => h.Host == "lb2").LeftOut);

        var can = new NewEvent(new HostFactsObserved
        {
            Host = "lb1", Files = ValueList<HostFileFact>.Empty, Capabilities = ValueList.Create(new HostCapabilityFact { Name = HostCapabilityFact.TransparentProxy }),
        });
        await world.Store.AppendAsync(StreamNames.HostFacts("lb1"), ExpectedVersion.Any, can, CancellationToken.None);

        var back = (ConfigRendered)(await world.WaitForStreamAsync(StreamNames.Config("lb1"), 3))[2].Data;
        Assert.Equal(first.Text, back.Text);
    }

    private static async Task<Guid> AppendFactsAsync(ControllerHarness world, string host, HostFileFact fact)
    {
        var facts = new NewEvent(new HostFactsObserved { Host = host, Files = ValueList.Create(fact) });
        await world.Store.AppendAsync(StreamNames.HostFacts(host), ExpectedVersion.Any, facts, CancellationToken.None);
        return facts.EventId;
    }

    private static Task<List<ConfigRendered>> WaitForCausesAsync(ControllerHarness world, string host, int causes)
    {
        var seen = 0;
        return Poll.UntilAsync(
            async _ =>
            {
                var rendered = await world.RenderedAsync(host);
                seen = rendered.Sum(r => r.Causes.Count);
                return seen >= causes ? rendered : null;
            },
            () => $"{host}'s renders name {seen} causes; expected {causes}");
    }

    private static ContainerStarted Started(string id, string app) => new()
    {
        Host = "lb1",
        ContainerId = id,
        Name = app + "-" + id,
        Labels = new ValueMap(new Dictionary<string, string> { ["app"] = app }),
        Networks = ValueList.Create(new ContainerNetwork("bridge", "172.17.0.2")),
    };
}
