using System.Collections.Concurrent;
using GitOps.Keepalived.Runtime;
using Microsoft.Extensions.Logging;

namespace GitOps.Keepalived.Tests.Runtime;

/// <summary>
/// What a supervised keepalived printed, in order: the <c>Line</c> field of the supervisor's output events. keepalived's own
/// account of its state changes (<c>(gitops_1) Entering MASTER STATE</c>), to hold the notify log against.
/// </summary>
internal sealed class KeepalivedOutput : ILogger<KeepalivedSupervisor>
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == "Line").Value is string line)
        {
            lines.Enqueue(line);
        }
    }
}
