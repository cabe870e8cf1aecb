using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace GitOps.Cli.Logging;

/// <summary>
/// Structured logging for every command: Serilog to the error writer, so standard output carries
/// only the command's result (a config, a diff, JSON) and can be piped.
/// </summary>
internal static class CliLogging
{
    private const string Template = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static ILoggerFactory Create(TextWriter error, LogEventLevel minimumLevel)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new TextWriterSink(error, new MessageTemplateTextFormatter(Template, CultureInfo.InvariantCulture)))
            .CreateLogger();
        return LoggerFactory.Create(builder => builder.AddSerilog(logger, dispose: true));
    }
}
