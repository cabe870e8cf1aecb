using GitOps.Processes;
using Xunit;

namespace GitOps.Testing.Tls;

/// <summary>Self-signed PEM bundles (certificate + key) made with the real openssl, in a temporary directory.</summary>
public sealed class CertificateFixture : IAsyncLifetime
{
    /// <summary>What the temporary directory is replaced with in golden files.</summary>
    public const string Placeholder = "/TESTCERTS";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gitops-certs-").FullName;

    public string PathOf(string name) => Path.Combine(Directory, name + ".pem");

    public async Task InitializeAsync()
    {
        var openssl = ProcessRunner.FindOnPath("openssl")
            ?? throw new InvalidOperationException("openssl is required to make test certificates; install the Debian package 'openssl'.");
        foreach (var name in new[] { "site", "admin" })
        {
            var key = Path.Combine(Directory, name + ".key");
            var crt = Path.Combine(Directory, name + ".crt");
            await ProcessRunner.RunCheckedAsync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={name}.example.com", "-keyout", key, "-out", crt]);
            await File.WriteAllTextAsync(PathOf(name), await File.ReadAllTextAsync(crt) + await File.ReadAllTextAsync(key));
        }
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}
