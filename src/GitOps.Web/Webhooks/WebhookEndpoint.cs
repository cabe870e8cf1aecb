using Microsoft.AspNetCore.Http;

namespace GitOps.Web.Webhooks;

/// <summary><c>POST /hooks/{forge}</c>: reads at most the size limit of the body, then lets <see cref="WebhookVerifier"/> judge it.</summary>
internal static class WebhookEndpoint
{
    public static async Task<WebhookVerdict> HandleAsync(HttpContext context, string forgeName, WebhookVerifier? verifier, int maxBytes)
    {
        if (!Enum.TryParse<Forge>(forgeName, ignoreCase: true, out var forge) || !Enum.IsDefined(forge) || int.TryParse(forgeName, out _))
        {
            return new WebhookVerdict(404, "unknown_forge", $"no webhook '{GitOps.Core.Validation.ConfigToken.Printable(forgeName)}': use /hooks/github, /hooks/gitlab, /hooks/gitea or /hooks/generic");
        }

        if (verifier is null)
        {
            return new WebhookVerdict(404, "off", "webhooks are off: start the controller with --webhook-secret-file <file holding the secret>");
        }

        if (context.Request.ContentLength > maxBytes)
        {
            return WebhookVerdict.TooLarge($"{forge} delivery of {context.Request.ContentLength} bytes refused: at most {maxBytes} bytes");
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > maxBytes)
            {
                return WebhookVerdict.TooLarge($"{forge} delivery refused: its body is over {maxBytes} bytes");
            }

            body.Write(buffer, 0, read);
        }

        return verifier.Verify(forge, name => context.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null, body.GetBuffer().AsSpan(0, (int)body.Length));
    }
}
