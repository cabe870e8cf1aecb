using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Threading.Channels;
using GitOps.Core.Events;
using GitOps.Reconciler;
using GitOps.Web.Webhooks;
using Microsoft.Extensions.Logging;

namespace GitOps.Web.CommitStatus;

/// <summary>
/// Reports each commit's fate to the forge's commit-status API, so a pull request or a commit page shows it: "validated;
/// applied on 0 of M hosts" (pending) when the commit is accepted, "rejected: &lt;first error&gt;" (failure) when it is not,
/// "applied on N of M hosts" as agents apply it (success when every host has), and "apply failed on &lt;host&gt;" (failure).
/// Fed the store's events (<see cref="Observe"/>); statuses are sent in order by one background sender, each tried three
/// times, so a slow or failing forge never holds up the dashboard.
/// </summary>
public sealed class CommitStatusReporter : IAsyncDisposable
{
    private const int DescriptionLimit = 140;
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    private readonly CommitStatusOptions options;
    private readonly HttpClient http;
    private readonly ILogger logger;
    private readonly Channel<(string Commit, string State, string Description)> outbox =
        Channel.CreateUnbounded<(string, string, string)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task sender;
    private readonly Dictionary<(string Host, long Version), string> renderedCommits = [];
    private string? commit;
    private IReadOnlyList<string> hosts = [];
    private readonly HashSet<string> applied = new(StringComparer.Ordinal);

    public CommitStatusReporter(CommitStatusOptions options, ILogger logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = logger;
        http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.Timeout = TimeSpan.FromSeconds(15);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gitops", "1"));
        sender = Task.Run(SendAsync);
    }

    /// <summary>Notes one event; queues the status it changes, if any.</summary>
    public void Observe(IEvent data)
    {
        switch (data)
        {
            case DesiredStateObserved observed:
                commit = observed.Commit;
                hosts = DeclaredHosts.Of(observed) ?? [];
                applied.Clear();
                Queue(observed.Commit, "pending", $"validated; applied on 0 of {hosts.Count} hosts");
                break;
            case DesiredStateRejected rejected:
                Queue(rejected.Commit, "failure", "rejected: " + (rejected.Errors.Count > 0 ? rejected.Errors[0] : "see gitops history"));
                break;
            case ConfigRendered rendered:
                renderedCommits[(rendered.Host, rendered.Version)] = rendered.Commit;
                break;
            case ConfigApplied done when commit is not null && done.Commit == commit && !done.Pinned && hosts.Contains(done.Host) && applied.Add(done.Host):
                Queue(commit, applied.Count == hosts.Count ? "success" : "pending", $"applied on {applied.Count} of {hosts.Count} hosts");
                break;
            case ApplyFailed failed when commit is not null && renderedCommits.GetValueOrDefault((failed.Host, failed.Version)) == commit:
                Queue(commit, "failure", $"apply failed on {failed.Host}: {failed.Error}");
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        outbox.Writer.TryComplete();
        await sender.ConfigureAwait(false);
        http.Dispose();
    }

    private void Queue(string sha, string state, string description)
    {
        var line = description.ReplaceLineEndings(" ");
        outbox.Writer.TryWrite((sha, state, line.Length > DescriptionLimit ? line[..(DescriptionLimit - 1)] + "…" : line));
    }

    private async Task SendAsync()
    {
        await foreach (var (sha, state, description) in outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var request = Request(sha, state, description);
                    using var response = await http.SendAsync(request).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }

                    if (attempt >= RetryDelays.Length)
                    {
                        DashboardLog.CommitStatusFailed(logger, sha, options.Forge.ToString(), $"{(int)response.StatusCode} {response.ReasonPhrase}");
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    if (attempt >= RetryDelays.Length)
                    {
                        DashboardLog.CommitStatusFailed(logger, sha, options.Forge.ToString(), ex.Message);
                        break;
                    }
                }

                await Task.Delay(RetryDelays[attempt]).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The forge's request: GitHub and Gitea take state, description and context; GitLab its own state names, and a name.</summary>
    private HttpRequestMessage Request(string sha, string state, string description)
    {
        var uri = new Uri(options.Api.AbsoluteUri.TrimEnd('/') + "/statuses/" + Uri.EscapeDataString(sha));
        var request = new HttpRequestMessage(HttpMethod.Post, uri);
        switch (options.Forge)
        {
            case Forge.GitHub:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
                request.Content = JsonContent.Create(new { state, description, context = CommitStatusOptions.Context });
                break;
            case Forge.Gitea:
                request.Headers.Authorization = new AuthenticationHeaderValue("token", options.Token);
                request.Content = JsonContent.Create(new { state, description, context = CommitStatusOptions.Context });
                break;
            case Forge.GitLab:
                request.Headers.Add("PRIVATE-TOKEN", options.Token);
                request.Content = JsonContent.Create(new { state = state == "failure" ? "failed" : state, description, name = CommitStatusOptions.Context });
                break;
            default:
                throw new InvalidOperationException($"{options.Forge} has no commit-status API.");
        }

        return request;
    }
}
