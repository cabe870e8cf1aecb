namespace GitOps.Web.CommitStatus;

/// <summary>Where commit statuses go: the forge, its API address for the repository, and the token (read from a file).</summary>
/// <param name="Forge">GitHub, GitLab or Gitea (Forgejo too); <see cref="Webhooks.Forge.Generic"/> has no status API.</param>
/// <param name="Api">
/// The repository's API address: <c>https://api.github.com/repos/&lt;owner&gt;/&lt;repo&gt;</c>,
/// <c>https://gitlab.example.com/api/v4/projects/&lt;id&gt;</c> or <c>https://gitea.example.com/api/v1/repos/&lt;owner&gt;/&lt;repo&gt;</c>.
/// </param>
/// <param name="Token">A token allowed to set commit statuses.</param>
public sealed record CommitStatusOptions(Webhooks.Forge Forge, Uri Api, string Token)
{
    /// <summary>The name the status is shown under in a pull request.</summary>
    public const string Context = "gitops";
}
