using System.Security.Claims;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.ReadModels;
using GitOps.Web.Access;
using GitOps.Web.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GitOps.Web;

/// <summary>
/// The dashboard's pages and who may see them: the status page for everyone; history, configurations and diffs for a
/// signed-in viewer or operator; rolling back for an operator, through a confirmation form that carries an anti-forgery
/// token (a request from another site, or a replayed form, is refused). Users sign in with a name and password from the
/// users file (a session cookie: HttpOnly, SameSite=Strict, 8 hours), or send an API token as a bearer header.
/// </summary>
internal sealed class PageRoutes(MartenEventStore store, ReadModelQueries queries, DashboardUsers? users, TimeProvider timeProvider)
{
    /// <summary>The form field every form's anti-forgery token travels in.</summary>
    public const string FormField = "csrf";

    /// <summary>Registers what the routes need: cookie sessions, anti-forgery, keys that live as long as the process.</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(options =>
        {
            options.FormFieldName = FormField;
            options.Cookie.Name = "gitops-csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = "gitops-session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/signin";
        });
    }

    public void Map(WebApplication app)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            // An API token (Authorization: Bearer <token>) signs in the one request; a wrong one is refused outright.
            var header = context.Request.Headers.Authorization.ToString();
            if (header.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                if (users?.FromToken(header["Bearer ".Length..].Trim()) is not { } who)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsync("unknown API token\n", context.RequestAborted).ConfigureAwait(false);
                    return;
                }

                context.User = Principal(who.Name, who.Role, "token");
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/", async Task<IResult> (HttpContext context) =>
            Page(StatusPage.Render(await queries.StatusAsync(context.RequestAborted).ConfigureAwait(false), Frame(context))));
        app.MapGet("/history", async (HttpContext context, string? host, string? commit, string? container) =>
        {
            if (Demand(context, DashboardRole.Viewer) is { } refused)
            {
                return refused;
            }

            var filter = new HistoryPage.Filter(Blank(host), Blank(commit), Blank(container));
            var narrowed = filter.Commit is not null || filter.Container is not null;
            var entries = await queries.HistoryAsync(filter.Host, narrowed ? 2_000 : 200, context.RequestAborted).ConfigureAwait(false);
            return Page(HistoryPage.Render(entries, filter, Frame(context)));
        });
        app.MapGet("/hosts/{host}/versions/{version:long}", async (HttpContext context, string host, long version) =>
        {
            if (Demand(context, DashboardRole.Viewer) is { } refused)
            {
                return refused;
            }

            if (await RenderedVersions.FindAsync(store, host, version, context.RequestAborted).ConfigureAwait(false) is not { } rendered)
            {
                return NotFound(context, $"host '{host}' has no configuration v{version}.");
            }

            var newest = await RenderedVersions.NewestAsync(store, host, context.RequestAborted).ConfigureAwait(false);
            return Page(ConfigPage.RenderVersion(rendered, newest, Frame(context)));
        });
        app.MapGet("/hosts/{host}/diff", async (HttpContext context, string host, long from, long to) =>
        {
            if (Demand(context, DashboardRole.Viewer) is { } refused)
            {
                return refused;
            }

            var older = await RenderedVersions.FindAsync(store, host, from, context.RequestAborted).ConfigureAwait(false);
            var newer = await RenderedVersions.FindAsync(store, host, to, context.RequestAborted).ConfigureAwait(false);
            return older is null || newer is null
                ? NotFound(context, $"host '{host}' has no configuration v{(older is null ? from : to)}.")
                : Page(ConfigPage.RenderDiff(older, newer, Frame(context)));
        });
        app.MapGet("/hosts/{host}/rollback", async (HttpContext context, string host, long to) =>
        {
            if (Demand(context, DashboardRole.Operator) is { } refused)
            {
                return refused;
            }

            if (await RenderedVersions.FindAsync(store, host, to, context.RequestAborted).ConfigureAwait(false) is not { } target)
            {
                return NotFound(context, $"host '{host}' has no configuration v{to}.");
            }

            var frame = Frame(context);
            var newest = await RenderedVersions.NewestAsync(store, host, context.RequestAborted).ConfigureAwait(false);
            return Page(ConfigPage.RenderRollback(target, newest, frame.User!, frame));
        });
        app.MapPost("/hosts/{host}/rollback", async (HttpContext context, string host) =>
        {
            if (await Forged(context).ConfigureAwait(false) is { } forged)
            {
                return forged;
            }

            if (Demand(context, DashboardRole.Operator) is { } refused)
            {
                return refused;
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            if (!long.TryParse(form["to"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var to)
                || await RenderedVersions.FindAsync(store, host, to, context.RequestAborted).ConfigureAwait(false) is not { } target)
            {
                return NotFound(context, $"host '{host}' has no configuration v{form["to"]}.");
            }

            await RollbackRequests.RecordAsync(store, target, context.User.Identity!.Name!, context.RequestAborted).ConfigureAwait(false);
            return Results.Redirect("/history?host=" + Layout.Q(host));
        });
        app.MapGet("/signin", (HttpContext context, string? @return) =>
            Page(SignInPage.Render(LocalPath(@return), users is not null, FormInput(context), null, Frame(context))));
        app.MapPost("/signin", async (HttpContext context) =>
        {
            if (await Forged(context).ConfigureAwait(false) is { } forged)
            {
                return forged;
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var returnTo = LocalPath(form["return"]);
            var name = form["name"].ToString();
            if (users?.SignIn(name, form["password"].ToString()) is not { } role)
            {
                var page = SignInPage.Render(returnTo, users is not null, FormInput(context), "Wrong name or password.", Frame(context));
                return Results.Content(page, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(name, role, "password")).ConfigureAwait(false);
            return Results.Redirect(returnTo);
        });
        app.MapPost("/signout", async (HttpContext context) =>
        {
            if (await Forged(context).ConfigureAwait(false) is { } forged)
            {
                return forged;
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/");
        });
    }

    private static ClaimsPrincipal Principal(string name, DashboardRole role, string how) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString())], how, ClaimTypes.Name, ClaimTypes.Role));

    private static IResult Page(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A path on this site to return to; anything else (another site, <c>//host</c>) becomes the history page.</summary>
    private static string LocalPath(string? path) =>
        path is { Length: > 0 } && path[0] == '/' && !path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("/\\", StringComparison.Ordinal) ? path : "/history";

    private IResult NotFound(HttpContext context, string what) =>
        Results.Content(Layout.Page("not found", $"<h1>Not found</h1><p>{Layout.E(what)}</p>", Frame(context)), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    /// <summary>Null when the request's user may do what needs <paramref name="role"/>; else where to go instead.</summary>
    private IResult? Demand(HttpContext context, DashboardRole role)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return Results.Redirect("/signin?return=" + Layout.Q(context.Request.Path + context.Request.QueryString));
        }

        return role == DashboardRole.Operator && !context.User.IsInRole(nameof(DashboardRole.Operator))
            ? Results.Content(
                Layout.Page("not allowed", "<h1>Not allowed</h1><p id=\"forbidden\">Rolling back needs an operator; you are signed in as a viewer.</p>", Frame(context)),
                "text/html; charset=utf-8",
                statusCode: StatusCodes.Status403Forbidden)
            : null;
    }

    /// <summary>Null when a form post carries this site's anti-forgery token; else a 400 page saying why it was refused.</summary>
    private async Task<IResult?> Forged(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Content(
                Layout.Page("refused", "<h1>Refused</h1><p id=\"csrf-refused\">This form did not come from this dashboard, or it expired: open the page again and resend it.</p>", Frame(context)),
                "text/html; charset=utf-8",
                statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static string FormInput(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Layout.E(tokens.FormFieldName)}\" value=\"{Layout.E(tokens.RequestToken ?? "")}\">";
    }

    private PageFrame Frame(HttpContext context)
    {
        if (context.User.Identity is not { IsAuthenticated: true, Name: { } name })
        {
            return new PageFrame(timeProvider.GetUtcNow());
        }

        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var role = context.User.IsInRole(nameof(DashboardRole.Operator)) ? DashboardRole.Operator : DashboardRole.Viewer;
        return new PageFrame(timeProvider.GetUtcNow(), new SignedIn(name, role, tokens.FormFieldName, tokens.RequestToken ?? ""));
    }
}
