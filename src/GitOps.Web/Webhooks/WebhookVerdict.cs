namespace GitOps.Web.Webhooks;

/// <summary>What a webhook delivery gets: the HTTP status, one line saying why, and whether the controller fetches now.</summary>
/// <param name="Status">202 for an authentic delivery; 400, 401, 409 or 413 otherwise.</param>
/// <param name="Outcome">The metric label: <c>fetch</c>, <c>ignored</c>, <c>bad_request</c>, <c>unauthorized</c>, <c>replayed</c> or <c>too_large</c>.</param>
/// <param name="Message">The line answered to the sender and logged.</param>
/// <param name="Fetch">Whether the controller looks at the branch now.</param>
public sealed record WebhookVerdict(int Status, string Outcome, string Message, bool Fetch = false)
{
    public static WebhookVerdict FetchNow(string message) => new(202, "fetch", message, Fetch: true);

    public static WebhookVerdict Ignored(string message) => new(202, "ignored", message);

    public static WebhookVerdict BadRequest(string message) => new(400, "bad_request", message);

    public static WebhookVerdict Unauthorized(string message) => new(401, "unauthorized", message);

    public static WebhookVerdict Replayed(string message) => new(409, "replayed", message);

    public static WebhookVerdict TooLarge(string message) => new(413, "too_large", message);
}
