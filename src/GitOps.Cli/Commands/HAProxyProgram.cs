using GitOps.Processes;

namespace GitOps.Cli.Commands;

/// <summary>The haproxy program a long-running command needs, found at start so a missing one is one line, not a failure later in a loop.</summary>
internal static class HAProxyProgram
{
    /// <summary>The path of <paramref name="program"/> (the <c>--haproxy</c> value).</summary>
    /// <exception cref="CommandInputException">It is not installed there.</exception>
    public static string Require(string program) =>
        ProcessRunner.FindOnPath(program)
        ?? throw new CommandInputException(
            program.Contains('/', StringComparison.Ordinal)
                ? $"HAProxy is not installed at {program} (--haproxy): install the haproxy package (deploy/setup.sh, or apt-get install haproxy), or point --haproxy at the haproxy program"
                : $"HAProxy is not installed: no '{program}' on PATH or in /usr/sbin (--haproxy): install the haproxy package (deploy/setup.sh, or apt-get install haproxy), or point --haproxy at the haproxy program");
}
