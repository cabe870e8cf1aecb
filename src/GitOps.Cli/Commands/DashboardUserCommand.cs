using System.CommandLine;
using GitOps.Web.Access;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops dashboard-user</c>: one line for the dashboard's users file, with the password (or a new API token) hashed.</summary>
internal static class DashboardUserCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name")
        {
            Description = "The user's name, shown in the dashboard and recorded as the actor of their rollbacks (letters, digits, . _ - @).",
            Required = true,
            HelpName = "name",
        };
        var role = new Option<string>("--role")
        {
            Description = "viewer (history, configurations, diffs) or operator (also rolls hosts back).",
            DefaultValueFactory = _ => "viewer",
            HelpName = "viewer|operator",
        };
        role.AcceptOnlyFromAmong("viewer", "operator");
        var token = new Option<bool>("--token")
        {
            Description = "Make a new random API token instead of reading a password: it is printed once on standard error; " +
                          "clients send it as `Authorization: Bearer <token>`.",
        };
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "dashboard-user",
            "Print one line for the dashboard's users file (--users-file of `up` and `controller`): the name, the role and the\n" +
            "password's hash (PBKDF2-SHA256), read from the first line of standard input, or a new API token's hash with --token.\n" +
            "Append the line to the file on the controller's machine (chmod 600) and restart the controller.\n" +
            "Example: printf '%s\\n' \"$PASSWORD\" | gitops dashboard-user --name ann --role operator >> /etc/gitops/users")
        {
            name, role, token, logLevel,
        };
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var user = parseResult.GetRequiredValue(name);
            var line = $"{user} {parseResult.GetRequiredValue(role)} ";
            string hash;
            if (parseResult.GetValue(token))
            {
                (var secret, hash) = SecretHash.NewToken();
                await context.Error.WriteLineAsync($"API token of {user} (shown once; keep it secret): {secret}").ConfigureAwait(false);
            }
            else
            {
                var password = (await Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.TrimEnd('\r');
                if (string.IsNullOrEmpty(password) || password.Length < 12)
                {
                    throw new CommandInputException("give the password on the first line of standard input, at least 12 characters (e.g. printf '%s\\n' \"$PASSWORD\" | gitops dashboard-user …).");
                }

                hash = SecretHash.HashPassword(password);
            }

            // The line is checked as the controller will read it, so a bad name is caught here.
            try
            {
                DashboardUsers.Parse(line + hash, "(the printed line)");
            }
            catch (FormatException ex)
            {
                throw new CommandInputException(ex.Message);
            }

            await context.Output.WriteLineAsync(line + hash).ConfigureAwait(false);
            return CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }
}
