using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOps.Docker.Client;

/// <summary>One PEM file of <see cref="DockerTls"/>, and where its name came from (an option or the environment), for messages.</summary>
/// <param name="Path">The file.</param>
/// <param name="Origin">What named it, e.g. <c>--docker-tls-ca</c> or <c>$DOCKER_CERT_PATH</c>.</param>
public sealed record DockerTlsFile(string Path, string Origin);

/// <summary>
/// TLS to a <c>tcp://</c> engine the way the docker CLI does it with <c>--tlsverify</c>: the engine's certificate must
/// chain to <see cref="CertificateAuthority"/> and name the host connected to, and this client presents
/// <see cref="Certificate"/> with <see cref="Key"/> (an engine started with <c>--tlsverify</c> refuses clients without one).
/// </summary>
public sealed record DockerTls(DockerTlsFile CertificateAuthority, DockerTlsFile Certificate, DockerTlsFile Key)
{
    /// <summary>The option that names the CA certificate.</summary>
    public const string CaOption = "--docker-tls-ca";

    /// <summary>The option that names the client certificate.</summary>
    public const string CertOption = "--docker-tls-cert";

    /// <summary>The option that names the client certificate's private key.</summary>
    public const string KeyOption = "--docker-tls-key";

    /// <summary>
    /// TLS settings from options, else from the docker CLI's environment: TLS is on when any option is given or
    /// <c>DOCKER_TLS_VERIFY</c> is set to anything non-empty (as the docker CLI reads it). A file no option names is
    /// <c>ca.pem</c>, <c>cert.pem</c> or <c>key.pem</c> in <c>$DOCKER_CERT_PATH</c>, else in <c>~/.docker</c>.
    /// Null when TLS is off. The files are not read here: see <see cref="LoadCredentials"/>.
    /// </summary>
    public static DockerTls? Resolve(string? ca, string? cert, string? key, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var verify = !string.IsNullOrEmpty(environment("DOCKER_TLS_VERIFY"));
        if (ca is null && cert is null && key is null && !verify)
        {
            return null;
        }

        var certPath = environment("DOCKER_CERT_PATH");
        var (directory, origin) = string.IsNullOrEmpty(certPath)
            ? (System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "$DOCKER_CERT_PATH (unset: ~/.docker)")
            : (certPath, "$DOCKER_CERT_PATH");
        DockerTlsFile File(string? given, string option, string name) =>
            given is not null ? new DockerTlsFile(given, option) : new DockerTlsFile(System.IO.Path.Combine(directory, name), origin);
        return new DockerTls(File(ca, CaOption, "ca.pem"), File(cert, CertOption, "cert.pem"), File(key, KeyOption, "key.pem"));
    }

    /// <summary>
    /// Reads the three files. Every problem is one sentence naming the file and the option or variable that named it.
    /// </summary>
    /// <exception cref="DockerTlsException">A file is missing, unreadable, or not what it should be.</exception>
    public (X509Certificate2 Client, X509Certificate2 Authority) LoadCredentials()
    {
        var authority = Load(CertificateAuthority, "CA certificate", () => X509CertificateLoader.LoadCertificate(PemCertificate(CertificateAuthority.Path)));
        Readable(Key, "client key");
        var client = Load(Certificate, "client certificate", () => X509Certificate2.CreateFromPemFile(Certificate.Path, Key.Path), Key);
        return (client, authority);
    }

    /// <summary>Throws unless every file exists and can be read; used at start-up to fail with one line.</summary>
    /// <exception cref="DockerTlsException">A file is missing or unreadable.</exception>
    public void Validate()
    {
        var (client, authority) = LoadCredentials();
        client.Dispose();
        authority.Dispose();
    }

    private static byte[] PemCertificate(string path)
    {
        var text = System.IO.File.ReadAllText(path);
        var fields = PemEncoding.TryFind(text, out var found) ? found : throw new CryptographicException("no PEM block");
        if (text[fields.Label] != "CERTIFICATE")
        {
            throw new CryptographicException($"the PEM block is a {text[fields.Label]}, not a CERTIFICATE");
        }

        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    private static void Readable(DockerTlsFile file, string what)
    {
        try
        {
            using var stream = System.IO.File.OpenRead(file.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, what, ex);
        }
    }

    private static X509Certificate2 Load(DockerTlsFile file, string what, Func<X509Certificate2> load, DockerTlsFile? key = null)
    {
        Readable(file, what);
        try
        {
            return load();
        }
        catch (CryptographicException ex)
        {
            var problem = key is null
                ? $"it is not a PEM certificate ({ex.Message.TrimEnd('.')})"
                : $"it is not a PEM certificate, or the key '{key.Path}' ({key.Origin}) is not its PEM private key ({ex.Message.TrimEnd('.')})";
            throw new DockerTlsException($"{file.Origin}: cannot use the Docker TLS {what} '{file.Path}': {problem}", ex);
        }
    }

    private static DockerTlsException Unreadable(DockerTlsFile file, string what, Exception ex)
    {
        var reason = ex switch
        {
            FileNotFoundException or DirectoryNotFoundException => "no such file",
            UnauthorizedAccessException => "permission denied",
            _ => ex.Message.TrimEnd('.'),
        };
        var fix = file.Origin.StartsWith("--", StringComparison.Ordinal)
            ? ""
            : "; point DOCKER_CERT_PATH at the directory holding ca.pem, cert.pem and key.pem, or name the files with --docker-tls-ca, --docker-tls-cert and --docker-tls-key";
        return new DockerTlsException($"{file.Origin}: cannot read the Docker TLS {what} '{file.Path}': {reason}{fix}", ex);
    }
}
