using System.CommandLine;
using System.Net;
using System.Text;
using GitOps.EventStore;
using GitOps.Reconciler.Controller;
using GitOps.Web;
using GitOps.Web.Access;
using GitOps.Web.CommitStatus;
using GitOps.Web.Webhooks;

namespace GitOps.Cli.Commands;

/// <summary>The <c>--dashboard</c> and <c>--webhook-secret-file</c> options of <c>up</c> and <c>controller</c>, and starting the dashboard they describe.</summary>
internal sealed class DashboardChoice
{
    private const string Off = "off";

    public Option<string> Address { get; } = CreateAddress();

    public Option<string?> SecretFile { get; } = new("--webhook-secret-file")
    {
        Description = "A file on this machine holding the webhook secret (its first line; keep it chmod 600). With it, POST /hooks/github, " +
                      "/hooks/gitlab, /hooks/gitea and /hooks/generic on the dashboard's address make the controller fetch at once; " +
                      "without it they answer 404.",
        HelpName = "file",
    };

    public Option<string?> UsersFile { get; } = new("--users-file")
    {
        Description = "A file on this machine naming who may sign in to the dashboard, one `<name> <viewer|operator> <hash>` per line " +
                      "(made with `gitops dashboard-user`; keep it chmod 600). Without it nobody signs in and the dashboard shows only the status page.",
        HelpName = "file",
    };

    public Option<string?> CommitStatus { get; } = CreateCommitStatus();

    public Option<Uri?> CommitStatusApi { get; } = new("--commit-status-api")
    {
        Description = "The repository's address in the forge's API, for --commit-status: https://api.github.com/repos/<owner>/<repo>, " +
                      "https://<gitlab>/api/v4/projects/<id> or https://<gitea>/api/v1/repos/<owner>/<repo>.",
        HelpName = "url",
    };

    public Option<string?> CommitStatusTokenFile { get; } = new("--commit-status-token-file")
    {
        Description = "A file on this machine holding a token allowed to set commit statuses (its first line), for --commit-status.",
        HelpName = "file",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Address);
        command.Options.Add(SecretFile);
        command.Options.Add(UsersFile);
        command.Options.Add(CommitStatus);
        command.Options.Add(CommitStatusApi);
        command.Options.Add(CommitStatusTokenFile);
    }

    /// <summary>
    /// Starts the dashboard unless <c>--dashboard off</c>, and says where (<c>dashboard: http://…/</c>) on <paramref name="say"/>.
    /// An address that cannot be listened on is a notice, not a failure: the load balancer matters more than its dashboard.
    /// Dispose the result to stop it (nothing to stop when it did not start).
    /// </summary>
    /// <exception cref="CommandInputException">The webhook secret file cannot be read or is empty.</exception>
    public async Task<IAsyncDisposable> StartAsync(
        ParseResult parseResult, MartenEventStore store, ControllerService controller, CommandContext context, Func<string, Task> say, CancellationToken cancellationToken)
    {
        var secret = await ReadSecretAsync(parseResult.GetValue(SecretFile), say, cancellationToken).ConfigureAwait(false);
        var users = await ReadUsersAsync(parseResult.GetValue(UsersFile), say).ConfigureAwait(false);
        var statuses = await ReadCommitStatusAsync(parseResult, say, cancellationToken).ConfigureAwait(false);
        var address = parseResult.GetRequiredValue(Address);
        if (address == Off)
        {
            return NotStarted.Instance;
        }

        var options = new DashboardOptions { Endpoint = IPEndPoint.Parse(address), Branch = controller.Branch!, WebhookSecret = secret, Users = users, CommitStatus = statuses };
        try
        {
            var server = await DashboardServer.StartAsync(options, store, controller.FetchNow, context.LoggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
            await say($"dashboard: {server.Address}{(secret is null ? "" : " (webhooks on: " + server.Address + "hooks/<github|gitlab|gitea|generic>)")}").ConfigureAwait(false);
            return server;
        }
        catch (DashboardException ex)
        {
            await say($"notice: {ex.Message}; choose another address with --dashboard <address:port>, or --dashboard off").ConfigureAwait(false);
            return NotStarted.Instance;
        }
    }

    private sealed class NotStarted : IAsyncDisposable
    {
        public static readonly NotStarted Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static Option<string> CreateAddress()
    {
        var option = new Option<string>("--dashboard")
        {
            Description = "Where the dashboard (read-only status page, /api/status, /metrics, webhooks) listens, as address:port " +
                          "([::1]:8480 for IPv6), or off. An address in use gives a notice and the rest runs without it.",
            DefaultValueFactory = _ => "127.0.0.1:8480",
            HelpName = "address:port|off",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value != Off && (!IPEndPoint.TryParse(value, out var endpoint) || endpoint.Port == 0 || !value.Contains(':', StringComparison.Ordinal)))
            {
                result.AddError($"--dashboard '{value}' is not an address and port; write one like 127.0.0.1:8480, 0.0.0.0:8480 or [::1]:8480, or off.");
            }
        });
        return option;
    }

    private static Option<string?> CreateCommitStatus()
    {
        var option = new Option<string?>("--commit-status")
        {
            Description = "Report each commit's fate (validated, rejected, applied on N of M hosts) to this forge's commit-status API, " +
                          "so pull requests show it; needs --commit-status-api and --commit-status-token-file, and the dashboard on.",
            HelpName = "github|gitlab|gitea",
        };
        option.AcceptOnlyFromAmong("github", "gitlab", "gitea");
        return option;
    }

    private async Task<CommitStatusOptions?> ReadCommitStatusAsync(ParseResult parseResult, Func<string, Task> say, CancellationToken cancellationToken)
    {
        var forge = parseResult.GetValue(CommitStatus);
        var api = parseResult.GetValue(CommitStatusApi);
        var tokenFile = parseResult.GetValue(CommitStatusTokenFile);
        if (forge is null)
        {
            return api is null && tokenFile is null
                ? null
                : throw new CommandInputException("--commit-status-api and --commit-status-token-file need --commit-status github|gitlab|gitea.");
        }

        if (api is null || tokenFile is null)
        {
            throw new CommandInputException($"--commit-status {forge} needs --commit-status-api <url> and --commit-status-token-file <file>.");
        }

        if (!api.IsAbsoluteUri || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            throw new CommandInputException($"--commit-status-api '{api}' is not an http(s) address; e.g. https://api.github.com/repos/<owner>/<repo>.");
        }

        var token = await ReadFirstLineAsync(tokenFile, "--commit-status-token-file", say, cancellationToken).ConfigureAwait(false);
        if (token.Length == 0)
        {
            throw new CommandInputException($"--commit-status-token-file '{tokenFile}' is empty: its first line must hold the token.");
        }

        return new CommitStatusOptions(Enum.Parse<Forge>(forge, ignoreCase: true), api, token);
    }

    private static async Task<DashboardUsers?> ReadUsersAsync(string? path, Func<string, Task> say)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            var users = DashboardUsers.Load(path);
            await WarnIfOthersReadAsync(path, "--users-file", say).ConfigureAwait(false);
            return users;
        }
        catch (FormatException ex)
        {
            throw new CommandInputException("--users-file " + ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandInputException($"--users-file '{path}' cannot be read: {ex.Message}");
        }
    }

    private static async Task WarnIfOthersReadAsync(string path, string option, Func<string, Task> say)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            await say($"notice: {option} '{path}' can be read by other users; chmod 600 '{path}'").ConfigureAwait(false);
        }
    }

    private static async Task<byte[]?> ReadSecretAsync(string? path, Func<string, Task> say, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return null;
        }

        var secret = await ReadFirstLineAsync(path, "--webhook-secret-file", say, cancellationToken).ConfigureAwait(false);
        if (secret.Length < 16)
        {
            throw new CommandInputException($"--webhook-secret-file '{path}': its first line must hold the secret, at least 16 characters (e.g. from `openssl rand -hex 32`).");
        }

        return Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>The first line of a file holding a secret (<paramref name="option"/> names it), trimmed; a notice when others may read it.</summary>
    /// <exception cref="CommandInputException">The file cannot be read.</exception>
    private static async Task<string> ReadFirstLineAsync(string path, string option, Func<string, Task> say, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandInputException($"{option} '{path}' cannot be read: {ex.Message}");
        }

        await WarnIfOthersReadAsync(path, option, say).ConfigureAwait(false);
        return text.Split('\n')[0].Trim();
    }
}
