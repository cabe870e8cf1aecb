using System.Text.Json;
using System.Text.RegularExpressions;
using GitOps.EndToEnd.Tests.Support;
using GitOps.EventStore.Local;
using GitOps.HAProxy.Runtime;
using GitOps.Testing.Cli;
using GitOps.Testing.Docker;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// <c>gitops up</c> as an operator runs it, a real process with its private PostgreSQL, HAProxy and Docker discovery,
/// driven by git commits and <c>docker run</c>, checked by traffic through HAProxy on loopback and by the other commands.
/// </summary>
public sealed class UpScenarioTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Up_PushRunRevertRollBackCrash_ServesEachStepAndKeepsTheHistory()
    {
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var one = new LoopbackHttpServer("static-one");
        await using var two = new LoopbackHttpServer("static-two");
        var ports = LoopbackPorts.GetFree(3);
        var (sitePort, webPort, extraPort) = (ports[0], ports[1], ports[2]);
        string[] upArguments = ["up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--bind", "127.0.0.1", "--docker", docker.Endpoint];

        // A commit adding a service: served through HAProxy.
        var site = await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", sitePort, one.Port)).CommitAsync("add site");
        await using var up = GitOpsProcess.Start(upArguments);
        await up.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(90));
        Assert.Contains($"site: http://127.0.0.1:{sitePort}/ → 1 static server", up.Output, StringComparison.Ordinal);
        await Eventually.ServedAsync(sitePort, "static-one", Converge, up.Transcript);

        // git revert: the previous configuration back, byte for byte.
        var firstText = await File.ReadAllBytesAsync(directory.ConfigPath("local"));
        var move = await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", sitePort, two.Port)).CommitAsync("move site");
        await Eventually.ServedAsync(sitePort, "static-two", Converge, up.Transcript);
        await repo.RevertAsync(move);
        await Eventually.ServedAsync(sitePort, "static-one", Converge, up.Transcript);
        // The agent writes the file after the runtime API has switched the traffic; it has once the history says applied.
        var history = await HistoryAsync(directory, entries => entries.Count == 3 && entries[0].Result == "applied");
        Assert.Equal(firstText, await File.ReadAllBytesAsync(directory.ConfigPath("local")));
        Assert.StartsWith("Revert \"move site\"", history[0].Subject, StringComparison.Ordinal);
        Assert.Equal(history[2].Sha256, history[0].Sha256);
        Assert.NotEqual(history[1].Sha256, history[0].Sha256);
        var movedVersion = history[1].Version;

        // A bad commit: rejected, shown by status, traffic unaffected.
        await repo.WriteFile("services/broken.yaml", ServiceYaml.Static("broken", 70000, one.Port)).CommitAsync("break things");
        var status = await Eventually.UntilAsync(
            async () => (await GitOpsProcess.RunAsync("status", "--data-dir", directory.Data)).StandardOutput is var text && text.Contains("REJECTED", StringComparison.Ordinal) ? text : null,
            Converge,
            up.Transcript);
        Assert.Contains("\"break things\"", status, StringComparison.Ordinal);
        Assert.Contains("70000", status, StringComparison.Ordinal);
        Assert.Equal("static-one", (await LoopbackHttpClient.GetStringAsync(sitePort)).Trim());

        // docker run with matching labels: served, and up credits the change to the container, not to the last commit.
        var app = "e2e-" + docker.RunId;
        var addWeb = await repo.DeleteFile("services/broken.yaml").WriteFile("services/web.yaml", ServiceYaml.Discovered("web", webPort, app)).CommitAsync("add web");
        await up.WaitForOutputAsync($": commit {addWeb[..12]} \"add web\" by {GitRepoBuilder.AuthorName}", Converge);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = new Dictionary<string, string> { ["app"] = app } }, CancellationToken.None);
        await Eventually.ServedAsync(webPort, container.Name, Converge, up.Transcript);
        await up.WaitForOutputAsync($"container {container.Name} started", Converge);
        Assert.Matches($@"(?m)^\d\d:\d\d:\d\d v\d+ applied \((runtime|reload), \d+ ms\): (.*; )?container {Regex.Escape(container.Name)} started", up.Output);

        // The container restarted with a new address: still served, without a reload.
        var reloads = (await ShowProcAsync(directory)).Master.Reloads;
        await docker.StopAsync(container.Id, CancellationToken.None);
        // Placeholders take the address the stopped one had. An engine that hands out the lowest free address fills any
        // lower ones first (other tests' containers come and go on the same bridge); one that hands them out in turn never
        // gives it back soon, so a placeholder above it ends the filling. At most 30 placeholders.
        var stoppedAt = System.Net.IPAddress.Parse(container.IpAddress);
        for (var placeholders = 0; placeholders < 30; placeholders++)
        {
            var placeholder = System.Net.IPAddress.Parse((await docker.RunHttpContainerAsync(new HttpContainerOptions(), CancellationToken.None)).IpAddress);
            if (placeholder.Equals(stoppedAt) || Compare(placeholder, stoppedAt) > 0)
            {
                break;
            }
        }

        var restarted = await docker.StartAsync(container.Id, CancellationToken.None);
        Assert.NotEqual(container.IpAddress, restarted.IpAddress);
        await Eventually.UntilAsync(
            async () => (await File.ReadAllTextAsync(directory.ConfigPath("local"))).Contains(restarted.IpAddress + ":80", StringComparison.Ordinal) ? "" : null,
            Converge,
            up.Transcript);
        await Eventually.ServedAsync(webPort, container.Name, Converge, up.Transcript);
        Assert.Equal(reloads, (await ShowProcAsync(directory)).Master.Reloads);
        Assert.Equal("runtime", (await HistoryAsync(directory, entries => entries[0].Result == "applied"))[0].Method);

        // gitops rollback: the earlier configuration back, the host pinned; a new commit unpins it.
        var rollback = await GitOpsProcess.RunAsync("rollback", "--data-dir", directory.Data, "--host", "local", "--to", movedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), "--actor", "tester", "--wait", "20s");
        Assert.True(rollback.ExitCode == 0, rollback.StandardOutput + rollback.StandardError);
        Assert.Contains($"local runs v{movedVersion}", rollback.StandardOutput, StringComparison.Ordinal);
        await up.WaitForOutputAsync($"rollback to version {movedVersion} by tester", Converge);
        Assert.Matches($@"(?m)^\d\d:\d\d:\d\d v{movedVersion} applied \((runtime|reload), \d+ ms\): rollback to version {movedVersion} by tester \(commit {move[..12]} ""move site""\)$", up.Output);
        await AssertAuditTrailAsync(directory, movedVersion, site, move, container);
        await Eventually.ServedAsync(sitePort, "static-two", Converge, up.Transcript);
        Assert.Contains($"pinned (rollback to v{movedVersion} by tester)", (await GitOpsProcess.RunAsync("status", "--data-dir", directory.Data)).StandardOutput, StringComparison.Ordinal);
        await repo.WriteFile("services/extra.yaml", ServiceYaml.Static("extra", extraPort, one.Port)).CommitAsync("add extra");
        await Eventually.ServedAsync(extraPort, "static-one", Converge, up.Transcript);
        await Eventually.ServedAsync(sitePort, "static-one", Converge, up.Transcript);
        await Eventually.UntilAsync(
            async () => (await GitOpsProcess.RunAsync("status", "--data-dir", directory.Data)).StandardOutput is var text && System.Text.RegularExpressions.Regex.IsMatch(text, @"\nlocal\s+\d+\s+\d+\s+converged") ? text : null,
            Converge,
            up.Transcript);

        // Killed (SIGKILL) and restarted: HAProxy kept serving, the history is intact, nothing recorded twice.
        var connection = await LocalPostgres.ConnectionStringIfRunningAsync(directory.Data, CancellationToken.None);
        Assert.NotNull(connection);
        string[] streams = ["desired", "config-local", "docker-local"];
        var countsBefore = await StoreProbe.CountsAsync(connection, streams);
        var historyBefore = await HistoryAsync(directory, _ => true);
        await up.KillAsync();
        Assert.Equal("static-one", (await LoopbackHttpClient.GetStringAsync(extraPort)).Trim());
        await using var again = GitOpsProcess.Start(upArguments);
        await again.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(60));
        await again.WaitForOutputAsync("extra: http://127.0.0.1:", TimeSpan.FromSeconds(10));
        await Eventually.ServedAsync(webPort, container.Name, Converge, again.Transcript);
        // One more commit marks the end: once it is served and in the history, the resumed controller and agent have
        // replayed the store, watched git and applied, so anything they recorded again is stored before it.
        await repo.WriteFile("services/extra.yaml", ServiceYaml.Static("extra", extraPort, two.Port)).CommitAsync("move extra");
        await Eventually.ServedAsync(extraPort, "static-two", Converge, again.Transcript);
        var historyAfter = await HistoryAsync(directory, entries => entries[0].Version > historyBefore[0].Version && entries[0].Result == "applied");
        var connectionAgain = await LocalPostgres.ConnectionStringIfRunningAsync(directory.Data, CancellationToken.None);
        Assert.NotNull(connectionAgain);
        var countsAfter = await StoreProbe.CountsAsync(connectionAgain, streams);
        Assert.Equal(countsBefore["desired"] + 1, countsAfter["desired"]);
        Assert.Equal(countsBefore["config-local"] + 1, countsAfter["config-local"]);
        Assert.Empty(await StoreProbe.DuplicateAppliesAsync(connectionAgain, "local"));
        Assert.Equal(historyBefore[0].Version + 1, historyAfter[0].Version);
        Assert.Equal(historyBefore.Select(h => (h.Version, h.Sha256, h.Result)), historyAfter.Skip(1).Select(h => (h.Version, h.Sha256, h.Result)));

        // Ctrl-C stops everything it started.
        Assert.Equal(0, await again.InterruptAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("gitops up: stopped", again.Output, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => LoopbackHttpClient.GetStringAsync(sitePort));
        Assert.Null(await LocalPostgres.ConnectionStringIfRunningAsync(directory.Data, CancellationToken.None));
    }

    /// <summary>
    /// <c>gitops history</c> answers "why did the host change": the commit (short id, subject, author), the container that
    /// started, how each version was applied (runtime or reload, with its duration) and who rolled back to what; the JSON
    /// keeps the event ids beside the same fields.
    /// </summary>
    private static async Task AssertAuditTrailAsync(UpDirectory directory, long movedVersion, string site, string move, TestContainer container)
    {
        var text = await GitOpsProcess.RunAsync("history", "--data-dir", directory.Data, "--host", "local", "--limit", "100");
        Assert.True(text.ExitCode == 0, text.StandardOutput + text.StandardError);
        var lines = text.StandardOutput.Split('\n');
        var rollback = Array.FindIndex(lines, l => Regex.IsMatch(l, $@"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ  local v{movedVersion}\s+rollback to version {movedVersion} by tester \(commit {move[..12]} ""move site""\)$"));
        Assert.True(rollback >= 0, text.StandardOutput);
        Assert.Matches(@"^    applied \S+ \S+Z: (runtime|reload), \d+ ms$", lines[rollback + 1]);
        Assert.Contains($"    cause: commit {site[..12]} \"add site\" by {GitRepoBuilder.AuthorName}", lines);
        Assert.Contains($"    cause: container {container.Name} started", lines);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^    applied \S+ \S+Z: runtime, \d+ ms$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^    applied \S+ \S+Z: reload, \d+ ms$"));

        var json = await GitOpsProcess.RunAsync("history", "--data-dir", directory.Data, "--host", "local", "--limit", "100", "--format", "json");
        Assert.True(json.ExitCode == 0, json.StandardOutput + json.StandardError);
        using var document = JsonDocument.Parse(json.StandardOutput);
        var entries = document.RootElement.EnumerateArray().ToList();
        var request = entries.First(e => e.GetProperty("kind").GetString() == "rollback");
        Assert.Equal(("tester", movedVersion, move, "applied"), (request.GetProperty("actor").GetString(), request.GetProperty("version").GetInt64(), request.GetProperty("commit").GetString(), request.GetProperty("result").GetString()));
        Assert.NotEqual(Guid.Empty, request.GetProperty("eventId").GetGuid());
        Assert.NotEqual(Guid.Empty, request.GetProperty("outcomeEventId").GetGuid());
        var started = entries.SelectMany(e => e.GetProperty("causes").EnumerateArray())
            .First(c => c.GetProperty("container").GetString() == container.Name && c.GetProperty("change").GetString() == "started");
        Assert.Equal(("container", container.Id, $"container {container.Name} started"), (started.GetProperty("kind").GetString(), started.GetProperty("containerId").GetString(), started.GetProperty("description").GetString()));
        Assert.NotEqual(Guid.Empty, started.GetProperty("eventId").GetGuid());
    }

    private static async Task<HAProxyProcessList> ShowProcAsync(UpDirectory directory) =>
        ShowProcParser.Parse(await new HAProxySocketClient(TimeSpan.FromSeconds(5)).SendAsync(directory.MasterSocket, "show proc", CancellationToken.None));

    private static Task<List<(long Version, string Sha256, string? Method, string? Result, string Subject)>> HistoryAsync(
        UpDirectory directory, Func<List<(long Version, string Sha256, string? Method, string? Result, string Subject)>, bool> until)
    {
        var last = "";
        return Eventually.UntilAsync(
            async () =>
            {
                var result = await GitOpsProcess.RunAsync("history", "--data-dir", directory.Data, "--host", "local", "--format", "json", "--limit", "100");
                last = result.StandardOutput + result.StandardError;
                var entries = result.ExitCode == 0 ? StoreProbe.History(result.StandardOutput) : null;
                return entries is not null && entries.Count > 0 && until(entries) ? entries : null;
            },
            Converge,
            () => "history: " + last);
    }

    /// <summary>Orders two IPv4 addresses numerically.</summary>
    private static int Compare(System.Net.IPAddress left, System.Net.IPAddress right) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(left.GetAddressBytes())
            .CompareTo(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(right.GetAddressBytes()));
}
