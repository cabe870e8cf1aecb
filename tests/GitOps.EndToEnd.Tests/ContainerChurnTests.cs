using GitOps.EndToEnd.Tests.Support;
using GitOps.Processes;
using GitOps.Testing.Cli;
using GitOps.Testing.Docker;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using Xunit;
using Xunit.Abstractions;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// Containers of a discovered service stopped, restarted, scaled down and killed under a steady request loop
/// (a curl every 50 ms through HAProxy on loopback, each with a 2 s limit) while <c>gitops up</c> serves them:
/// the server leaves rotation at Docker's <c>kill</c> event, and requests that fail on a dying container are retried
/// on another one.
/// </summary>
public sealed class ContainerChurnTests(DockerFixture docker, ITestOutputHelper output) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    /// <summary>The bound of one measured phase's loop: 20 s of requests at most.</summary>
    private const int MaxRequests = 400;

    /// <summary>Successful requests seen before a disruption and again after it (a phase ends only after this many more).</summary>
    private const int SteadyRequests = 20;

    [Fact]
    public async Task Up_DockerStopRestartAndKill_NoRequestFailsWhereTheContainerWasToldToStop()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        var port = LoopbackPorts.GetFree();
        var app = "churn-" + docker.RunId;
        await repo.WriteFile("services/web.yaml", ServiceYaml.Discovered("web", port, app)).CommitAsync("add web");
        var labelled = new HttpContainerOptions { Labels = new Dictionary<string, string> { ["app"] = app } };
        var containers = new List<TestContainer>();
        for (var i = 0; i < 3; i++)
        {
            containers.Add(await docker.RunHttpContainerAsync(labelled, cts.Token));
        }

        await using var up = GitOpsProcess.Start("up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--bind", "127.0.0.1", "--docker", docker.Endpoint);
        await up.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(90));
        foreach (var container in containers)
        {
            await Eventually.ServedAsync(port, container.Name, Converge, up.Transcript);
        }

        // docker stop: SIGTERM (ignored by httpd as PID 1), SIGKILL 2 s later. Out of rotation at the SIGTERM.
        var stopped = await MeasureAsync(port, () => docker.RunDockerAsync(["stop", "--time", "2", containers[0].Id], cts.Token), null, up.Transcript);
        Report("docker stop", stopped);
        Assert.True(stopped.Failed == 0, "docker stop: " + stopped + "\n" + up.Transcript());
        var history = await GitOpsProcess.RunAsync("history", "--data-dir", directory.Data, "--host", "local", "--limit", "20");
        Assert.Contains($"container {containers[0].Name} stopping (SIGTERM sent)", history.StandardOutput, StringComparison.Ordinal);

        // docker restart: the same, then the container is back at its start.
        var restarted = await MeasureAsync(
            port,
            () => docker.RunDockerAsync(["restart", "--time", "2", containers[1].Id], cts.Token),
            () => Eventually.ServedAsync(port, containers[1].Name, Converge, up.Transcript),
            up.Transcript);
        Report("docker restart", restarted);
        Assert.True(restarted.Failed == 0, "docker restart: " + restarted + "\n" + up.Transcript());

        // SIGKILL without warning: the kill event comes when the process is already gone. A request the container had
        // (a GET) gets an empty response and is retried elsewhere, as is a connection refused; only a request the
        // container had begun to answer cannot be, so a few failures are possible, never more than one per request in flight.
        var killed = await MeasureAsync(port, () => docker.RunDockerAsync(["kill", containers[2].Id], cts.Token), null, up.Transcript);
        Report("docker kill (SIGKILL)", killed);
        Assert.True(killed.Failed <= 2, "docker kill: " + killed + "\n" + up.Transcript());
        Assert.Contains($"container {containers[2].Name} stopping (SIGKILL sent)", (await GitOpsProcess.RunAsync("history", "--data-dir", directory.Data, "--host", "local", "--limit", "20")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_ComposeScaledDownFromThreeToOne_NoRequestFails()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        var port = LoopbackPorts.GetFree();
        var app = "compose-" + docker.RunId;
        await repo.WriteFile("services/web.yaml", ServiceYaml.Discovered("web", port, app)).CommitAsync("add web");
        var project = Directory.CreateTempSubdirectory("gitops-compose-").FullName;
        await File.WriteAllTextAsync(Path.Combine(project, "docker-compose.yml"), ComposeFile(app), cts.Token);
        var compose = new ProcessOptions { WorkingDirectory = project, Environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = docker.Endpoint } };
        var name = "churn" + docker.RunId;
        string[] composeArguments = ["--project-name", name, "--file", Path.Combine(project, "docker-compose.yml")];
        try
        {
            await ProcessRunner.RunCheckedAsync("docker-compose", [.. composeArguments, "up", "--detach", "--scale", "web=3"], compose, cts.Token);
            await using var up = GitOpsProcess.Start("up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--bind", "127.0.0.1", "--docker", docker.Endpoint);
            await up.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(90));
            var hostnames = (await docker.RunDockerAsync(["ps", "--quiet", "--filter", $"label=com.docker.compose.project={name}"], cts.Token))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, hostnames.Length);
            foreach (var hostname in hostnames)
            {
                await Eventually.ServedAsync(port, hostname[..12], Converge, up.Transcript);
            }

            // Compose stops the two containers it drops (SIGTERM, SIGKILL after stop_grace_period) and removes them.
            var scaled = await MeasureAsync(
                port,
                () => ProcessRunner.RunCheckedAsync("docker-compose", [.. composeArguments, "up", "--detach", "--scale", "web=1"], compose, cts.Token),
                null,
                up.Transcript);
            Report("compose --scale web=3 → 1", scaled);
            Assert.True(scaled.Failed == 0, "compose scale down: " + scaled + "\n" + up.Transcript());
            Assert.Single((await docker.RunDockerAsync(["ps", "--quiet", "--filter", $"label=com.docker.compose.project={name}"], cts.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            await ProcessRunner.RunAsync("docker-compose", [.. composeArguments, "down", "--timeout", "0"], compose, CancellationToken.None);
            Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>
    /// Runs a request loop on <paramref name="port"/>: <see cref="SteadyRequests"/> successes, then
    /// <paramref name="disruption"/>, then <paramref name="recovered"/> when given, then <see cref="SteadyRequests"/>
    /// more successes; returns every request the loop made.
    /// </summary>
    private static async Task<RequestLoopResult> MeasureAsync(int port, Func<Task> disruption, Func<Task>? recovered, Func<string> context)
    {
        await using var loop = RequestLoop.StartOnLoopback(port, MaxRequests);
        await Eventually.UntilAsync(() => Task.FromResult(loop.SucceededSince(0) >= SteadyRequests ? "" : null), Converge, () => "the request loop did not get going: " + string.Join(", ", loop.Samples.Select(s => s.Status)) + "\n" + context());
        await disruption();
        if (recovered is not null)
        {
            await recovered();
        }

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Eventually.UntilAsync(() => Task.FromResult(loop.SucceededSince(after) >= SteadyRequests ? "" : null), Converge, () => "the request loop did not go on: " + string.Join(", ", loop.Samples.Select(s => s.Status)) + "\n" + context());
        return await loop.StopAsync();
    }

    private void Report(string scenario, RequestLoopResult result) =>
        output.WriteLine($"{scenario}: {result.Samples.Count} requests, {result.Failed} failed, longest gap {result.LongestGapMs} ms");

    /// <summary>One service of busybox httpd answering its hostname (the short container id), labelled for discovery and for the fixture's cleanup.</summary>
    private string ComposeFile(string app) => $$"""
        version: "2.4"
        services:
          web:
            image: {{DockerFixture.ImageName}}
            command: ["sh", "-c", "hostname > /www/index.html && exec busybox httpd -f -p 80 -h /www"]
            stop_grace_period: 2s
            labels:
              app: "{{app}}"
              {{DockerFixture.RunLabel}}: "{{docker.RunId}}"
        """;
}
