namespace GitOps.Processes;

/// <summary>How to run a child process. Environment entries with a null value are removed.</summary>
public sealed record ProcessOptions
{
    public static ProcessOptions Default { get; } = new();

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Text written to the process's standard input, which is then closed; without it the input is empty, never the caller's terminal.</summary>
    public string? StandardInput { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}
