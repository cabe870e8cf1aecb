namespace GitOps.Core.Desired;

/// <summary>Settings every service inherits unless it overrides them.</summary>
public sealed record DefaultsModel
{
    public static DefaultsModel Standard { get; } = new() { Timeouts = TimeoutsModel.Standard };

    public required TimeoutsModel Timeouts { get; init; }

    /// <summary>Maximum concurrent connections per HAProxy process (global maxconn).</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>gzip compression of text responses for http services.</summary>
    public bool Compression { get; init; }

    /// <summary>Add <c>X-Forwarded-For</c> (and <c>X-Forwarded-Proto</c>) on http services: their <see cref="BackendModel.ClientAddress"/> when they do not set one.</summary>
    public bool ForwardedFor { get; init; } = true;

    /// <summary>Opt-in: add an <c>X-Served-By</c> response header naming the server that answered.</summary>
    public bool ServerHeader { get; init; }
}
