using System.Diagnostics;
using System.Globalization;
using GitOps.Cli.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog.Events;

namespace GitOps.Benchmarks;

/// <summary>Prints figures as <c>name: value unit</c>, one per line, and offers the timing helpers every suite uses.</summary>
internal sealed class BenchmarkReport(TextWriter output)
{
    public void Figure(string name, double value, string unit) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value:0.###} {unit}"));

    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times unmeasured, then <paramref name="iterations"/> times; returns each measured duration in milliseconds, sorted.</summary>
    public static async Task<double[]> MeasureAsync(Func<Task> action, int warmup, int iterations)
    {
        for (var i = 0; i < warmup; i++)
        {
            await action();
        }

        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples;
    }

    /// <summary>Synchronous overload of <see cref="MeasureAsync"/>.</summary>
    public static double[] Measure(Action action, int warmup, int iterations) =>
        MeasureAsync(() => { action(); return Task.CompletedTask; }, warmup, iterations).GetAwaiter().GetResult();

    /// <summary>
    /// The log of the components a suite runs in-process: nothing, unless <c>GITOPS_BENCH_LOG</c> names a level
    /// (<c>Information</c>, <c>Debug</c>, …); then to standard error, which keeps the figures on standard output alone.
    /// </summary>
    public static ILoggerFactory DiagnosticLogging { get; } =
        Enum.TryParse<LogEventLevel>(Environment.GetEnvironmentVariable("GITOPS_BENCH_LOG"), ignoreCase: true, out var level)
            ? CliLogging.Create(Console.Error, level)
            : NullLoggerFactory.Instance;

    /// <summary>The <paramref name="percentile"/> (0–100) of sorted samples, nearest-rank.</summary>
    public static double Percentile(double[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
