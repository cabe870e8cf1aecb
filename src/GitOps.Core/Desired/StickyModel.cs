namespace GitOps.Core.Desired;

/// <summary>Session persistence: by client source address, or by a cookie HAProxy inserts.</summary>
public sealed record StickyModel
{
    public required StickyMode Mode { get; init; }

    /// <summary>Cookie name for <see cref="StickyMode.Cookie"/>; default <c>SRV</c>.</summary>
    public string CookieName { get; init; } = "SRV";
}
