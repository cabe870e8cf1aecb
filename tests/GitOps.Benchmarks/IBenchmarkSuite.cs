namespace GitOps.Benchmarks;

/// <summary>
/// One benchmark suite (<c>render</c>, <c>eventstore</c>, …). Implementations are found by
/// reflection, so adding a suite is adding a class. A suite starts the real components it
/// needs and reports each figure through <see cref="BenchmarkReport"/>.
/// </summary>
internal interface IBenchmarkSuite
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken);
}
