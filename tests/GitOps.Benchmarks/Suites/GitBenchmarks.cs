using System.Globalization;
using System.Text;
using GitOps.Git;
using GitOps.Testing.Git;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// The Git source through its public API only (<see cref="GitRepository"/>), on a repository built in a temp
/// directory: reading a revision with 1,000 desired-state files the way the controller does
/// (<see cref="GitRepository.ReadCommitAsync"/>, on the mirror of a <c>file://</c> URL, packed, and on the
/// local work tree, loose objects), and bringing a mirror up to date after one new commit on the remote
/// (<see cref="GitRepository.RefreshAsync"/>: list the remote's refs, fetch).
/// </summary>
internal sealed class GitBenchmarks : IBenchmarkSuite
{
    private const int Files = 1000;
    private const int Reads = 30;
    private const int Fetches = 15;

    public string Name => "git";

    public string Description => $"read a {Files:N0}-file revision through GitRepository.ReadCommitAsync (p50 of {Reads}); mirror fetch of one new commit (p50 of {Fetches})";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await using var repo = await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken);
        repo.WriteFile("gitops.yaml", "hosts:\n  - name: lb1\n");
        for (var i = 0; i < Files - 1; i++)
        {
            var name = "svc-" + i.ToString("D4", CultureInfo.InvariantCulture);
            repo.WriteFile($"services/{name}.yaml", ServiceYaml(name));
        }

        var head = await repo.CommitAsync("1,000 desired-state files", cancellationToken);
        var url = await repo.CreateRemoteAsync(cancellationToken);
        var options = new GitRepositoryOptions { MirrorCacheDirectory = repo.ScratchDirectory("mirrors") };

        var mirror = await GitRepository.OpenAsync(url, options, cancellationToken: cancellationToken);
        var packed = await MeasureReadsAsync(mirror, head, cancellationToken);
        var local = await GitRepository.OpenAsync(repo.WorkTree, cancellationToken: cancellationToken);
        var loose = await MeasureReadsAsync(local, head, cancellationToken);

        var fetches = new double[Fetches];
        for (var i = 0; i < Fetches; i++)
        {
            repo.WriteFile("services/svc-0000.yaml", ServiceYaml("svc-0000") + $"# change {i}\n");
            var sha = await repo.CommitAsync($"change {i}", cancellationToken);
            await repo.PushAsync(cancellationToken);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var update = await mirror.RefreshAsync(cancellationToken);
            fetches[i] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (update != MirrorUpdate.Fetched || (await mirror.ResolveAsync("HEAD", cancellationToken)).Sha != sha)
            {
                throw new InvalidOperationException($"the mirror did not fetch commit {sha} (refresh said {update})");
            }
        }

        Array.Sort(fetches);
        report.Figure("git_read_revision_1000_files_ms", BenchmarkReport.Percentile(packed, 50), "ms");
        report.Figure("git_read_revision_1000_files_p95_ms", BenchmarkReport.Percentile(packed, 95), "ms");
        report.Figure("git_read_revision_1000_files_loose_ms", BenchmarkReport.Percentile(loose, 50), "ms");
        report.Figure("git_mirror_fetch_new_commit_ms", BenchmarkReport.Percentile(fetches, 50), "ms");
    }

    private static async Task<double[]> MeasureReadsAsync(GitRepository repository, string sha, CancellationToken cancellationToken)
    {
        var count = 0;
        var samples = await BenchmarkReport.MeasureAsync(
            async () => count = (await repository.ReadCommitAsync(sha, cancellationToken)).Files.Count,
            warmup: 3,
            iterations: Reads);
        return count == Files ? samples : throw new InvalidOperationException($"read {count} files at {sha}, expected {Files}");
    }

    private static string ServiceYaml(string name)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"name: {name}\nlisten:\n  - port: 80\n    mode: http\n");
        text.Append(CultureInfo.InvariantCulture, $"routes:\n  - host: {name}.example.com\n");
        text.Append(CultureInfo.InvariantCulture, $"backend:\n  discover:\n    labels:\n      app: {name}\n    port: 8080\n  health:\n    path: /healthz\n");
        return text.ToString();
    }
}
