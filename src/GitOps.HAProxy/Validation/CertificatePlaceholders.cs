using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// Lets a configuration be checked away from the hosts it is for: every <c>crt &lt;path&gt;</c> whose
/// file does not exist here is pointed at one self-signed placeholder bundle, so <c>haproxy -c</c> judges
/// the rest of the configuration. The agent checks the real file on its own host before applying.
/// </summary>
internal static class CertificatePlaceholders
{
    private static readonly Lazy<string> PlaceholderPath = new(CreatePlaceholder, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The text with missing certificate paths replaced; the same instance when nothing is missing.</summary>
    public static string Substitute(string configText, Func<string, bool>? fileExists = null)
    {
        ArgumentNullException.ThrowIfNull(configText);
        if (!configText.Contains(" crt ", StringComparison.Ordinal))
        {
            return configText;
        }

        fileExists ??= File.Exists;
        var changed = false;
        var lines = configText.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            // Rendered tokens never contain spaces (ConfigToken), so a bind line splits cleanly.
            var tokens = lines[i].Split(' ');
            var lineChanged = false;
            for (var t = 0; t + 1 < tokens.Length; t++)
            {
                if (tokens[t] == "crt" && tokens[t + 1].Length > 0 && !fileExists(tokens[t + 1]))
                {
                    tokens[t + 1] = PlaceholderPath.Value;
                    lineChanged = true;
                }
            }

            if (lineChanged)
            {
                lines[i] = string.Join(' ', tokens);
                changed = true;
            }
        }

        return changed ? string.Join('\n', lines) : configText;
    }

    private static string CreatePlaceholder()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=gitops-placeholder.invalid", key, HashAlgorithmName.SHA256);
        // Fixed dates, not the clock's: haproxy -c only loads the bundle, so any validity that covers today will do.
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2999, 12, 31, 0, 0, 0, TimeSpan.Zero));
        var pem = new StringBuilder()
            .AppendLine(certificate.ExportCertificatePem())
            .AppendLine(key.ExportPkcs8PrivateKeyPem())
            .ToString();
        var directory = Directory.CreateTempSubdirectory("gitops-placeholder-cert-");
        var path = Path.Combine(directory.FullName, "placeholder.pem");
        File.WriteAllText(path, pem);
        return path;
    }
}
