using System.CommandLine;
using System.Net;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary>Options shared by several commands, defined once so their names and help read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Repo(bool required) => new("--repo")
    {
        Description = "The desired-state Git repository: a local path (work tree or bare) or a URL (https://, ssh://, git@host:path, file://).",
        Required = required,
        HelpName = "path|url",
    };

    public static Option<string?> Rev() => new("--rev")
    {
        Description = "Revision to read: a branch, tag, commit or expression like HEAD~1. Default: for a local work tree, the files on disk " +
                      "including uncommitted edits; for a URL, the remote's default branch.",
        HelpName = "rev",
    };

    public static Option<string?> Host() => new("--host")
    {
        Description = "Only this load-balancer host (a name from gitops.yaml). Default: every host.",
        HelpName = "name",
    };

    public static Option<string?> Docker() => new("--docker")
    {
        Description = "The Docker engine to ask: unix:///path/to/docker.sock or tcp://host:port (with TLS: see --docker-tls-ca). Default: DOCKER_HOST, else unix:///var/run/docker.sock.",
        HelpName = "endpoint",
    };

    public static Option<string> HAProxy() => new("--haproxy")
    {
        Description = "The haproxy program: a name looked up on PATH (then in /usr/sbin and /sbin) or a path. Checked at start: without it, nothing can be served.",
        DefaultValueFactory = _ => "haproxy",
        HelpName = "program",
    };

    public static Option<string?> Bind()
    {
        var option = new Option<string?>("--bind")
        {
            Description = "The address every service frontend listens on, e.g. 127.0.0.1 to serve this machine only. Default: all IPv4 addresses. " +
                          "(The statistics page keeps the address gitops.yaml gives it.)",
            HelpName = "address",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } address && !IPAddress.TryParse(address, out _))
            {
                result.AddError($"--bind '{address}' is not an IP address; write one like 127.0.0.1 or ::1.");
            }
        });
        return option;
    }

    public static Option<string> Format(params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = $"Output format: {string.Join(" or ", formats)}.",
            DefaultValueFactory = _ => formats[0],
            HelpName = string.Join('|', formats),
        };
        return option.AcceptOnlyFromAmong(formats);
    }

    public static Option<LogEventLevel> LogLevel(LogEventLevel defaultLevel) => new("--log-level")
    {
        Description = "Least severe log events written to standard error: Verbose, Debug, Information, Warning, Error, Fatal.",
        DefaultValueFactory = _ => defaultLevel,
        HelpName = "level",
    };
}
