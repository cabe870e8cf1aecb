namespace GitOps.Web.Webhooks;

/// <summary>Who sends a push webhook; each signs (or authenticates) its deliveries its own way.</summary>
public enum Forge
{
    /// <summary><c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>, <c>X-GitHub-Delivery</c>, <c>X-GitHub-Event</c>.</summary>
    GitHub,

    /// <summary><c>X-Gitlab-Token: &lt;the secret&gt;</c>, <c>X-Gitlab-Event-UUID</c>, <c>X-Gitlab-Event</c>.</summary>
    GitLab,

    /// <summary><c>X-Gitea-Signature: &lt;hex HMAC-SHA256 of the body&gt;</c>, <c>X-Gitea-Delivery</c>, <c>X-Gitea-Event</c>.</summary>
    Gitea,

    /// <summary>
    /// Anything else (a CI job, a script): <c>X-Gitops-Timestamp: &lt;Unix seconds&gt;</c> and
    /// <c>X-Gitops-Signature: sha256=&lt;hex HMAC-SHA256 of "timestamp.body"&gt;</c>.
    /// </summary>
    Generic,
}
