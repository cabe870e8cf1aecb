using System.Net;

namespace GitOps.Web;

/// <summary>Where the dashboard listens and what its webhook endpoints accept.</summary>
public sealed record DashboardOptions
{
    /// <summary>The default address: this machine only.</summary>
    public static readonly IPEndPoint DefaultEndpoint = new(IPAddress.Loopback, 8480);

    /// <summary>Where to listen; port 0 picks a free one (tests).</summary>
    public IPEndPoint Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The branch the controller follows: a push webhook for another branch is answered and ignored.</summary>
    public required string Branch { get; init; }

    /// <summary>The shared webhook secret (from a file on the controller's machine); null turns the webhook endpoints off.</summary>
    public byte[]? WebhookSecret { get; init; }

    /// <summary>Who may sign in (the users file); null: nobody, and only the status page is shown.</summary>
    public Access.DashboardUsers? Users { get; init; }

    /// <summary>Where to report each commit's status (validated, rejected, applied on N of M hosts); null: nowhere.</summary>
    public CommitStatus.CommitStatusOptions? CommitStatus { get; init; }

    /// <summary>The largest webhook body accepted; a larger one is refused with 413 before it is read to the end.</summary>
    public int MaxWebhookBytes { get; init; } = 1024 * 1024;
}
