using System.Collections.Concurrent;
using GitOps.HAProxy.Rendering;
using GitOps.HAProxy.Validation;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// The <c>haproxy -c</c> checks of one rendering pass, shared by its hosts. A text that differs from one haproxy -c
/// accepted (the host's last published text, or a text this pass checked valid) only in servers shaped like that text's
/// is valid without a check of its own (<see cref="ServerLineChanges"/>): a container coming or going needs no check, and
/// a commit to a fleet whose hosts run different containers checks one text. Any other text is checked once for every
/// host whose text equals it but for the header naming the host.
/// </summary>
internal sealed class PassChecks(PrestartedHAProxyConfigChecker checker)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<HAProxyCheckResult>>> byText = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<(string Text, HAProxyCheckResult Verdict, ServerLineChanges.Accepted Like)>>> byLinesButServers = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>haproxy -c</c>'s verdict on <paramref name="text"/>; null when it is valid like <paramref name="published"/> (the
    /// host's last published text, if known) or like a text checked in this pass.
    /// </summary>
    public async Task<HAProxyCheckResult?> CheckAsync(string text, string? published, CancellationToken cancellationToken)
    {
        if (published is not null && ServerLineChanges.AcceptedLike(published, text))
        {
            return null;
        }

        var neutral = HAProxyConfigRenderer.WithoutHostName(text);
        var first = await byLinesButServers.GetOrAdd(
            ServerLineChanges.HashOfLinesButServers(neutral),
            _ => new Lazy<Task<(string, HAProxyCheckResult, ServerLineChanges.Accepted)>>(async () => (neutral, await CheckOnceAsync(neutral, cancellationToken).ConfigureAwait(false), ServerLineChanges.Of(neutral)))).Value.ConfigureAwait(false);
        if (string.Equals(first.Text, neutral, StringComparison.Ordinal))
        {
            return first.Verdict;
        }

        return first.Verdict.IsValid && first.Like.Allows(neutral)
            ? null
            : await CheckOnceAsync(neutral, cancellationToken).ConfigureAwait(false);
    }

    private Task<HAProxyCheckResult> CheckOnceAsync(string neutral, CancellationToken cancellationToken) =>
        byText.GetOrAdd(neutral, t => new Lazy<Task<HAProxyCheckResult>>(() => checker.CheckAsync(t, cancellationToken))).Value;
}
