namespace GitOps.Processes;

/// <summary>A child process exited non-zero; the message carries its command and the last of its error output.</summary>
public sealed class ProcessFailedException : Exception
{
    public ProcessFailedException(ProcessResult result)
        : base(Describe(result))
    {
        Result = result;
    }

    public ProcessResult Result { get; }

    private static string Describe(ProcessResult result)
    {
        var detail = result.StandardError.Trim();
        if (detail.Length == 0)
        {
            detail = result.StandardOutput.Trim();
        }

        const int maxDetail = 2000;
        if (detail.Length > maxDetail)
        {
            detail = "…" + detail[^maxDetail..];
        }

        return $"'{result.Command}' exited with code {result.ExitCode}: {detail}";
    }
}
