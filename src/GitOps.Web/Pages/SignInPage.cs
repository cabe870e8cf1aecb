using System.Text;

namespace GitOps.Web.Pages;

/// <summary>The sign-in form (name and password from the users file), or why signing in is off.</summary>
public static class SignInPage
{
    /// <param name="returnTo">A local path to go back to after signing in.</param>
    /// <param name="enabled">Whether the controller was given a users file.</param>
    /// <param name="formInput">The anti-forgery hidden input of the form.</param>
    /// <param name="error">Why the last attempt failed; null on the first.</param>
    /// <param name="frame">The page's frame.</param>
    public static string Render(string returnTo, bool enabled, string formInput, string? error, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(returnTo);
        var html = new StringBuilder("<h1>Sign in</h1>");
        if (!enabled)
        {
            html.Append("<p id=\"signin-off\">Signing in is off: start the controller (or <code>gitops up</code>) with <code>--users-file &lt;file&gt;</code>, ")
                .Append("a file on its machine made with <code>gitops dashboard-user</code>. Until then only the status page is shown.</p>");
            return Layout.Page("sign in", html.ToString(), frame);
        }

        if (error is not null)
        {
            html.Append("<p class=\"error\" id=\"signin-error\">").Append(Layout.E(error)).Append("</p>");
        }

        html.Append("<p class=\"muted\">History, configurations and diffs need a viewer; rolling back needs an operator.</p>")
            .Append("<form class=\"action\" method=\"post\" action=\"/signin\">").Append(formInput)
            .Append("<input type=\"hidden\" name=\"return\" value=\"").Append(Layout.E(returnTo)).Append("\">")
            .Append("<label>name <input type=\"text\" name=\"name\" autocomplete=\"username\" required></label>")
            .Append("<label>password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>")
            .Append("<button type=\"submit\" id=\"signin\">sign in</button></form>");
        return Layout.Page("sign in", html.ToString(), frame);
    }
}
