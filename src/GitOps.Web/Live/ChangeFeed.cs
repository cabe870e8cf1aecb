using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace GitOps.Web.Live;

/// <summary>
/// <c>GET /events</c>: a server-sent event stream that says "the store changed" (the newest position) whenever an event is
/// appended, so an open page fetches itself again within a second, without a reload. Each listener holds at most one
/// pending notice: a burst of events costs a page one fetch, not one per event.
/// </summary>
internal sealed class ChangeFeed
{
    /// <summary>A comment line this often keeps proxies from closing a quiet stream.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private readonly Lock gate = new();
    private readonly List<Channel<long>> listeners = [];

    /// <summary>Tells every listener the store has reached <paramref name="position"/>.</summary>
    public void Publish(long position)
    {
        lock (gate)
        {
            foreach (var listener in listeners)
            {
                listener.Writer.TryWrite(position);
            }
        }
    }

    /// <summary>Streams notices to one client until it goes away or <paramref name="stopping"/> (the dashboard stopping).</summary>
    public async Task StreamAsync(HttpContext context, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (gate)
        {
            listeners.Add(channel);
        }

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync(": gitops dashboard changes\n\n", ended.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
            while (!ended.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
                beat.CancelAfter(Heartbeat);
                string message;
                try
                {
                    var position = await channel.Reader.ReadAsync(beat.Token).ConfigureAwait(false);
                    message = "data: " + position.ToString(CultureInfo.InvariantCulture) + "\n\n";
                }
                catch (OperationCanceledException) when (!ended.IsCancellationRequested)
                {
                    message = ": heartbeat\n\n";
                }

                await context.Response.WriteAsync(message, ended.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The client left, or the dashboard stops.
        }
        finally
        {
            lock (gate)
            {
                listeners.Remove(channel);
            }
        }
    }
}
