namespace GitOps.Cli.Commands;

/// <summary>A usage or input problem the command reports in one line with exit code 2.</summary>
internal sealed class CommandInputException(string message) : Exception(message)
{
}
