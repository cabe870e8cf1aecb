namespace GitOps.HAProxy.Apply;

/// <summary>HAProxy's runtime API refused a command or answered something unexpected.</summary>
public sealed class RuntimeCommandException(string command, string answer)
    : Exception($"HAProxy refused '{command}': {(answer.Trim().Length > 0 ? answer.Trim() : "(no answer)")}")
{
    public string Command { get; } = command;

    public string Answer { get; } = answer;
}
