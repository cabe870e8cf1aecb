using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace GitOps.Cli.Logging;

/// <summary>
/// Structured logging for every command: Serilog to the error writer, so standard output carries
/// only the command's result (a config, a diff, JSON) and can be piped. A logged exception reads as its
/// messages on the event's line; its stack trace is written only at <c>--log-level Debug</c> or <c>Verbose</c>,
/// where someone is debugging gitops rather than operating it.
/// </summary>
internal static class CliLogging
{
    private const string Template = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{" + ErrorEnricher.Property + "}{NewLine}";
    private const string DebugTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static ILoggerFactory Create(TextWriter error, LogEventLevel minimumLevel)
    {
        var template = minimumLevel <= LogEventLevel.Debug ? DebugTemplate : Template;
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .Enrich.FromLogContext()
            .Enrich.With<ErrorEnricher>()
            .WriteTo.Sink(new TextWriterSink(error, new MessageTemplateTextFormatter(template, CultureInfo.InvariantCulture)))
            .CreateLogger();
        return LoggerFactory.Create(builder => builder.AddSerilog(logger, dispose: true));
    }
}
