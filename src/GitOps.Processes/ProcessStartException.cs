namespace GitOps.Processes;

/// <summary>A program could not be started at all, typically because it is not installed.</summary>
public sealed class ProcessStartException(string fileName, Exception inner)
    : Exception($"Could not start '{fileName}': {inner.Message}. Is it installed? Run deploy/setup.sh to install the project's dependencies.", inner)
{
    public string FileName { get; } = fileName;
}
