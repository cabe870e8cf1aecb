using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GitOps.Web.Webhooks;

/// <summary>
/// Judges one push-webhook delivery: its signature or token against the secret, a delivery seen before (a replay), the
/// event kind, and the branch it moved. Only an authentic push to the followed branch (or a generic delivery, which
/// names no branch) makes the controller fetch. Comparisons of secrets and signatures take the same time whatever
/// they hold.
/// </summary>
public sealed class WebhookVerifier(byte[] secret, string branch, DeliveryMemory deliveries, TimeProvider timeProvider)
{
    /// <summary>How far a generic delivery's timestamp may be from this machine's clock, either way.</summary>
    public static readonly TimeSpan GenericClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Judges a delivery whose headers <paramref name="header"/> looks up (case-insensitively) and whose body is <paramref name="body"/>.</summary>
    public WebhookVerdict Verify(Forge forge, Func<string, string?> header, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(header);
        return forge switch
        {
            Forge.GitHub => VerifyHmacForge(forge, header, body, "X-Hub-Signature-256", "sha256=", "X-GitHub-Delivery", "X-GitHub-Event", push: "push", ping: "ping"),
            Forge.Gitea => VerifyHmacForge(forge, header, body, "X-Gitea-Signature", "", "X-Gitea-Delivery", "X-Gitea-Event", push: "push", ping: null),
            Forge.GitLab => VerifyGitLab(header, body),
            Forge.Generic => VerifyGeneric(header, body),
            _ => throw new ArgumentOutOfRangeException(nameof(forge), forge, "Not a forge."),
        };
    }

    private WebhookVerdict VerifyHmacForge(
        Forge forge, Func<string, string?> header, ReadOnlySpan<byte> body, string signatureHeader, string prefix, string deliveryHeader, string eventHeader, string push, string? ping)
    {
        var signature = header(signatureHeader);
        if (signature is null)
        {
            return WebhookVerdict.Unauthorized($"{forge} delivery without {signatureHeader}: set the webhook's secret to the controller's webhook secret");
        }

        if (!SignatureMatches(signature, prefix, HMACSHA256.HashData(secret, body)))
        {
            return WebhookVerdict.Unauthorized($"{forge} delivery with a wrong {signatureHeader}: the webhook's secret is not the controller's webhook secret");
        }

        var delivery = header(deliveryHeader);
        if (string.IsNullOrWhiteSpace(delivery))
        {
            return WebhookVerdict.BadRequest($"{forge} delivery without {deliveryHeader}: each delivery needs its id, so a replay can be refused");
        }

        var kind = header(eventHeader);
        return Judge(forge, $"{forge} delivery {delivery}", "delivery " + delivery, kind, kind == push, ping is not null && kind == ping, body);
    }

    private WebhookVerdict VerifyGitLab(Func<string, string?> header, ReadOnlySpan<byte> body)
    {
        var token = header("X-Gitlab-Token");
        if (token is null)
        {
            return WebhookVerdict.Unauthorized("GitLab delivery without X-Gitlab-Token: set the webhook's secret token to the controller's webhook secret");
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(secret)))
        {
            return WebhookVerdict.Unauthorized("GitLab delivery with a wrong X-Gitlab-Token: the webhook's secret token is not the controller's webhook secret");
        }

        var delivery = header("X-Gitlab-Event-UUID");
        if (string.IsNullOrWhiteSpace(delivery))
        {
            return WebhookVerdict.BadRequest("GitLab delivery without X-Gitlab-Event-UUID: each delivery needs its id, so a replay can be refused (GitLab 15.0 and later send it)");
        }

        var kind = header("X-Gitlab-Event");
        return Judge(Forge.GitLab, $"GitLab delivery {delivery}", "delivery " + delivery, kind, kind == "Push Hook", ping: false, body);
    }

    private WebhookVerdict VerifyGeneric(Func<string, string?> header, ReadOnlySpan<byte> body)
    {
        var timestampText = header("X-Gitops-Timestamp");
        var signature = header("X-Gitops-Signature");
        if (timestampText is null || signature is null)
        {
            return WebhookVerdict.Unauthorized("generic delivery without X-Gitops-Timestamp and X-Gitops-Signature: sign \"<unix seconds>.<body>\" with HMAC-SHA256 and the webhook secret");
        }

        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
        {
            return WebhookVerdict.BadRequest($"generic delivery with X-Gitops-Timestamp '{Printable(timestampText)}': it must be the Unix time in seconds");
        }

        var signed = new byte[timestampText.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestampText, signed);
        signed[timestampText.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestampText.Length + 1));
        if (!SignatureMatches(signature, "sha256=", HMACSHA256.HashData(secret, signed)))
        {
            return WebhookVerdict.Unauthorized("generic delivery with a wrong X-Gitops-Signature: sign \"<X-Gitops-Timestamp>.<body>\" with HMAC-SHA256 and the webhook secret");
        }

        var skew = timeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (skew.Duration() > GenericClockSkew)
        {
            return WebhookVerdict.Unauthorized(string.Create(
                CultureInfo.InvariantCulture,
                $"generic delivery signed {Math.Abs(skew.TotalSeconds):0} s {(skew > TimeSpan.Zero ? "ago" : "ahead")}: at most {GenericClockSkew.TotalMinutes:0} minutes either way, so a captured delivery cannot be replayed later"));
        }

        // The signature is unique to the delivery: the same one twice is a replay.
        return deliveries.FirstTime(Forge.Generic, signature.Trim())
            ? WebhookVerdict.FetchNow($"generic delivery: fetching {branch} now")
            : WebhookVerdict.Replayed("generic delivery seen before (same signature): refused as a replay");
    }

    private WebhookVerdict Judge(Forge forge, string what, string deliveryId, string? kind, bool isPush, bool ping, ReadOnlySpan<byte> body)
    {
        if (!deliveries.FirstTime(forge, deliveryId))
        {
            return WebhookVerdict.Replayed($"{what} seen before: refused as a replay");
        }

        if (ping)
        {
            return WebhookVerdict.Ignored($"{what}: ping answered; pushes to {branch} will be fetched at once");
        }

        if (!isPush)
        {
            return WebhookVerdict.Ignored($"{what}: event '{Printable(kind ?? "")}' ignored; only pushes make the controller fetch");
        }

        string? pushed;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            pushed = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("ref", out var reference)
                && reference.ValueKind == JsonValueKind.String
                    ? reference.GetString()
                    : null;
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.BadRequest($"{what}: the body is not JSON ({ex.Message}); set the webhook's content type to application/json");
        }

        if (pushed is null)
        {
            return WebhookVerdict.BadRequest($"{what}: the push names no \"ref\"");
        }

        return pushed == "refs/heads/" + branch
            ? WebhookVerdict.FetchNow($"{what}: push to {branch}, fetching now")
            : WebhookVerdict.Ignored($"{what}: push to {Printable(pushed)} ignored; the controller follows {branch}");
    }

    private static bool SignatureMatches(string header, string prefix, byte[] expected)
    {
        var text = header.Trim();
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || text.Length != prefix.Length + (expected.Length * 2))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(text.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>A value from outside, cut to 80 characters with control characters escaped, for an answer or a log line.</summary>
    private static string Printable(string value) => GitOps.Core.Validation.ConfigToken.Printable(value);
}
