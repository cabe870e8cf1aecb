using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GitOps.Web.Webhooks;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace GitOps.Web.Tests.Webhooks;

public sealed class WebhookVerifierTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("a-webhook-secret-of-32-characters");
    private static readonly byte[] PushToMain = Encoding.UTF8.GetBytes("""{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}""");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly WebhookVerifier verifier;

    public WebhookVerifierTests() => verifier = new WebhookVerifier(Secret, "main", new DeliveryMemory(clock), clock);

    [Fact]
    public void GitHub_SignedPushToTheBranch_Fetches_AndTheSameDeliveryAgainIsAReplay()
    {
        var headers = GitHub(PushToMain, "d-1");

        var first = verifier.Verify(Forge.GitHub, headers, PushToMain);
        var again = verifier.Verify(Forge.GitHub, headers, PushToMain);

        Assert.Equal((202, "fetch", true), (first.Status, first.Outcome, first.Fetch));
        Assert.Equal((409, "replayed", false), (again.Status, again.Outcome, again.Fetch));
    }

    [Fact]
    public void GitHub_WrongOrMissingSignature_Is401_AndNeverFetches()
    {
        var forged = GitHub(PushToMain, "d-2", secret: Encoding.UTF8.GetBytes("another-secret-of-some-length"));
        var tampered = GitHub(PushToMain, "d-3");
        var unsigned = Headers(("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "d-4"));
        var notHex = Headers(("X-Hub-Signature-256", "sha256=" + new string('z', 64)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "d-5"));

        var verdicts = new[]
        {
            verifier.Verify(Forge.GitHub, forged, PushToMain),
            verifier.Verify(Forge.GitHub, tampered, Encoding.UTF8.GetBytes("""{"ref":"refs/heads/main","after":"ffff"}""")),
            verifier.Verify(Forge.GitHub, unsigned, PushToMain),
            verifier.Verify(Forge.GitHub, notHex, PushToMain),
        };

        Assert.All(verdicts, v => Assert.Equal((401, false), (v.Status, v.Fetch)));
        Assert.Contains("X-Hub-Signature-256", verdicts[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GitHub_PushToAnotherBranch_PingAndOtherEvents_AreAnsweredButDoNotFetch()
    {
        var other = Encoding.UTF8.GetBytes("""{"ref":"refs/heads/feature"}""");
        var toOther = verifier.Verify(Forge.GitHub, GitHub(other, "d-6"), other);
        var ping = verifier.Verify(Forge.GitHub, GitHub(PushToMain, "d-7", kind: "ping"), PushToMain);
        var issue = verifier.Verify(Forge.GitHub, GitHub(PushToMain, "d-8", kind: "issues"), PushToMain);

        Assert.All([toOther, ping, issue], v => Assert.Equal((202, "ignored", false), (v.Status, v.Outcome, v.Fetch)));
        Assert.Contains("refs/heads/feature", toOther.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GitHub_SignedBodyThatIsNotJson_Is400()
    {
        var body = Encoding.UTF8.GetBytes("ref=refs/heads/main");

        var verdict = verifier.Verify(Forge.GitHub, GitHub(body, "d-9"), body);

        Assert.Equal((400, false), (verdict.Status, verdict.Fetch));
        Assert.Contains("application/json", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gitea_SignatureWithoutPrefix_Fetches_AndAWrongOneIs401()
    {
        var good = Headers(("X-Gitea-Signature", Hex(HMACSHA256.HashData(Secret, PushToMain))), ("X-Gitea-Event", "push"), ("X-Gitea-Delivery", "g-1"));
        var bad = Headers(("X-Gitea-Signature", Hex(HMACSHA256.HashData(Encoding.UTF8.GetBytes("wrong-secret-xxxxxxxx"), PushToMain))), ("X-Gitea-Event", "push"), ("X-Gitea-Delivery", "g-2"));

        Assert.True(verifier.Verify(Forge.Gitea, good, PushToMain).Fetch);
        Assert.Equal(401, verifier.Verify(Forge.Gitea, bad, PushToMain).Status);
    }

    [Fact]
    public void GitLab_RightToken_Fetches_WrongTokenIs401_MissingEventIdIs400_ReplayIs409()
    {
        Func<string, string?> Lab(string token, string? id) => Headers(("X-Gitlab-Token", token), ("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Event-UUID", id));

        Assert.True(verifier.Verify(Forge.GitLab, Lab("a-webhook-secret-of-32-characters", "l-1"), PushToMain).Fetch);
        Assert.Equal(409, verifier.Verify(Forge.GitLab, Lab("a-webhook-secret-of-32-characters", "l-1"), PushToMain).Status);
        Assert.Equal(401, verifier.Verify(Forge.GitLab, Lab("a-webhook-secret-of-32-characterz", "l-2"), PushToMain).Status);
        Assert.Equal(400, verifier.Verify(Forge.GitLab, Lab("a-webhook-secret-of-32-characters", null), PushToMain).Status);
    }

    [Fact]
    public void Generic_SignedTimestampAndBody_Fetches_OnceOnly_AndNotWhenStale()
    {
        var body = Encoding.UTF8.GetBytes("deploy please");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();

        var fresh = verifier.Verify(Forge.Generic, Generic(now, body), body);
        var replay = verifier.Verify(Forge.Generic, Generic(now, body), body);
        var stale = verifier.Verify(Forge.Generic, Generic(now - 600, body), body);
        var otherBody = verifier.Verify(Forge.Generic, Generic(now, body), Encoding.UTF8.GetBytes("deploy please!"));

        Assert.Equal((202, true), (fresh.Status, fresh.Fetch));
        Assert.Equal(409, replay.Status);
        Assert.Equal((401, false), (stale.Status, stale.Fetch));
        Assert.Contains("600 s ago", stale.Message, StringComparison.Ordinal);
        Assert.Equal(401, otherBody.Status);
    }

    [Fact]
    public void DeliveryMemory_ForgetsAnIdAfterTheWindow()
    {
        var memory = new DeliveryMemory(clock);

        Assert.True(memory.FirstTime(Forge.GitHub, "x"));
        Assert.False(memory.FirstTime(Forge.GitHub, "x"));
        Assert.True(memory.FirstTime(Forge.Gitea, "x"));
        clock.Advance(DeliveryMemory.Window + TimeSpan.FromSeconds(1));
        Assert.True(memory.FirstTime(Forge.GitHub, "x"));
    }

    private static Func<string, string?> GitHub(byte[] body, string delivery, byte[]? secret = null, string kind = "push") =>
        Headers(("X-Hub-Signature-256", "sha256=" + Hex(HMACSHA256.HashData(secret ?? Secret, body))), ("X-GitHub-Event", kind), ("X-GitHub-Delivery", delivery));

    private static Func<string, string?> Generic(long timestamp, byte[] body)
    {
        var stamp = timestamp.ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(stamp + ".").Concat(body).ToArray();
        return Headers(("X-Gitops-Timestamp", stamp), ("X-Gitops-Signature", "sha256=" + Hex(HMACSHA256.HashData(Secret, signed))));
    }

    private static Func<string, string?> Headers(params (string Name, string? Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
