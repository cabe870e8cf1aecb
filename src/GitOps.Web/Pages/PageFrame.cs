using GitOps.Web.Access;

namespace GitOps.Web.Pages;

/// <summary>What every page's frame shows besides its content: the time, and who is signed in (null: nobody).</summary>
public sealed record PageFrame(DateTimeOffset Now, SignedIn? User = null);

/// <summary>A signed-in user, with the anti-forgery field their forms carry (sign-out, rollback).</summary>
public sealed record SignedIn(string Name, DashboardRole Role, string FormField, string FormToken)
{
    /// <summary>The hidden input every form of this user posts.</summary>
    public string FormInput => $"<input type=\"hidden\" name=\"{Layout.E(FormField)}\" value=\"{Layout.E(FormToken)}\">";
}
