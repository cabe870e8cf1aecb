using GitOps.Cli;
using GitOps.Cli.Terminal;

var output = TerminalWriter.Wrap(Console.Out, isTerminal: !Console.IsOutputRedirected);
var error = TerminalWriter.Wrap(Console.Error, isTerminal: !Console.IsErrorRedirected);
return await CliApp.RunAsync(args, output, error, CancellationToken.None).ConfigureAwait(false);
