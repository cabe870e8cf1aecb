using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace GitOps.Cli.Logging;

/// <summary>Writes formatted log events to an injected writer (standard error in production, a buffer in tests).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
