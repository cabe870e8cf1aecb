using Serilog.Core;
using Serilog.Events;

namespace GitOps.Cli.Logging;

/// <summary>
/// Adds <see cref="Property"/> to a log event that carries an exception: <c>": "</c> and the messages of the exception and
/// its inner exceptions on one line, so an operator reads why a step failed without a stack trace.
/// </summary>
internal sealed class ErrorEnricher : ILogEventEnricher
{
    public const string Property = "Error";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Exception is { } exception)
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(Property, new ScalarValue(": " + OneLine(exception))));
        }
    }

    /// <summary>The distinct messages of <paramref name="exception"/> and its inner exceptions, outermost first, on one line.</summary>
    public static string OneLine(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var message = current.Message.ReplaceLineEndings(" ").Trim();
            if (message.Length > 0 && !messages.Any(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message.TrimEnd('.'));
            }
        }

        return string.Join(": ", messages);
    }
}
