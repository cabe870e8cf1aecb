using System.Globalization;
using Xunit;

namespace GitOps.Processes.Tests;

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task RunAsync_StandardInput_IsReadAndBothOutputsAreCaptured()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "cat; echo oops >&2; exit 4"], new ProcessOptions { StandardInput = "héllo\n" });

        Assert.Equal(new ProcessResult("sh -c \"cat; echo oops >&2; exit 4\"", 4, "héllo\n", "oops\n"), result);
    }

    [Fact]
    public async Task RunAsync_NoStandardInput_ReadsEmptyInput()
    {
        // Would wait for the test host's own input if the child inherited it.
        var result = await ProcessRunner.RunCheckedAsync("cat", []);

        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task RunAsync_EnvironmentAndWorkingDirectory_AreApplied()
    {
        var directory = Directory.CreateTempSubdirectory("gitops-runner-");
        try
        {
            Environment.SetEnvironmentVariable("GITOPS_RUNNER_REMOVED", "still here");
            var options = new ProcessOptions
            {
                WorkingDirectory = directory.FullName,
                Environment = new Dictionary<string, string?> { ["GITOPS_RUNNER_SET"] = "set", ["GITOPS_RUNNER_REMOVED"] = null },
            };

            var result = await ProcessRunner.RunCheckedAsync("sh", ["-c", "pwd; echo $GITOPS_RUNNER_SET ${GITOPS_RUNNER_REMOVED:-removed}"], options);

            Assert.Equal($"{directory.FullName}\nset removed\n", result.StandardOutput);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITOPS_RUNNER_REMOVED", null);
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_MissingProgram_ThrowsProcessStartExceptionNamingIt()
    {
        var exception = await Assert.ThrowsAsync<ProcessStartException>(() => ProcessRunner.RunAsync("/nonexistent/gitops-program", []));

        Assert.Equal("/nonexistent/gitops-program", exception.FileName);
        Assert.StartsWith("Could not start '/nonexistent/gitops-program': ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory. Is it installed?", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCheckedAsync_NonZeroExit_ThrowsWithCommandAndErrorOutput()
    {
        var exception = await Assert.ThrowsAsync<ProcessFailedException>(() => ProcessRunner.RunCheckedAsync("sh", ["-c", "echo broken >&2; exit 2"]));

        Assert.Equal("'sh -c \"echo broken >&2; exit 2\"' exited with code 2: broken", exception.Message);
    }

    [Fact]
    public async Task RunAsync_LongerThanTimeout_KillsTheProgramAndThrowsTimeoutException()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"gitops-runner-{Guid.NewGuid():N}.pid");
        try
        {
            var options = new ProcessOptions { Timeout = TimeSpan.FromMilliseconds(300) };

            var exception = await Assert.ThrowsAsync<TimeoutException>(() => ProcessRunner.RunAsync("sh", ["-c", $"echo $$ > {pidFile}; exec sleep 60"], options));

            Assert.Equal($"'sh -c \"echo $$ > {pidFile}; exec sleep 60\"' did not finish within 0.3 s and was killed.", exception.Message);
            await AssertEndsAsync(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsTheProgramAndThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        var started = ProcessRunner.StartWaitingForInput("sh", ["-c", "cat > /dev/null; exec sleep 60"]);
        await using (started)
        {
            var completing = started.CompleteAsync("input", cancel.Token);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completing);
            Assert.True(started.HasExited);
        }
    }

    [Fact]
    public async Task StartWaitingForInput_ProgramExitsWithoutReadingInput_CompletesWithItsExitCode()
    {
        await using var started = ProcessRunner.StartWaitingForInput("sh", ["-c", "echo gave up; exit 3"]);

        // More than a pipe holds: writing it fails once the program is gone, which must not hide the exit code.
        var result = await started.CompleteAsync(new string('x', 1 << 20), CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("gave up\n", result.StandardOutput);
    }

    [Fact]
    public async Task StartWaitingForInput_DisposedUnfinished_KillsTheProgram()
    {
        var started = ProcessRunner.StartWaitingForInput("cat", []);

        await started.DisposeAsync();

        Assert.True(started.HasExited);
    }

    private static async Task AssertEndsAsync(int pid)
    {
        for (var attempt = 0; attempt < 100 && PosixSignals.IsRunning(pid); attempt++)
        {
            await Task.Delay(20);
        }

        Assert.False(PosixSignals.IsRunning(pid), $"process {pid} still runs");
    }
}
