using GitOps.Testing.Http;
using GitOps.Testing.Time;

namespace GitOps.EndToEnd.Tests.Support;

/// <summary>Bounded polling: every wait in these tests ends by a deadline, with the last observation in the failure.</summary>
internal static class Eventually
{
    /// <summary>Polls GET http://127.0.0.1:port/ (https with <paramref name="tls"/>) until the body contains <paramref name="expected"/>; returns the body.</summary>
    public static async Task<string> ServedAsync(int port, string expected, TimeSpan timeout, Func<string>? context = null, bool tls = false)
    {
        var last = "";
        return await UntilAsync(
            async () =>
            {
                try
                {
                    last = tls ? await LoopbackHttpClient.GetStringOverTlsAsync(port) : await LoopbackHttpClient.GetStringAsync(port);
                }
                catch (HttpRequestException ex)
                {
                    last = ex.Message;
                }
                catch (TaskCanceledException ex)
                {
                    last = ex.Message;
                }

                return last.Contains(expected, StringComparison.Ordinal) ? last : null;
            },
            timeout,
            () => $"127.0.0.1:{port} did not serve \"{expected}\"; last answer: {last}\n{context?.Invoke()}");
    }

    /// <summary>Polls <paramref name="probe"/> until it returns non-null.</summary>
    public static Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> failure)
        where T : class =>
        Poll.UntilAsync(_ => probe(), failure, timeout, interval: TimeSpan.FromMilliseconds(150));
}
