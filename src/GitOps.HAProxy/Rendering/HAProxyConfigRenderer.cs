using GitOps.Core.Desired;
using GitOps.Core.Effective;
using GitOps.Core.Validation;

namespace GitOps.HAProxy.Rendering;

/// <summary>
/// Turns an <see cref="EffectiveHostConfig"/> into the HAProxy 2.6 configuration of its host.
/// Pure and deterministic: the same model gives the same bytes, in a stable order (frontends by
/// port, backends and servers by name), so a one-line change in Git is a one-line diff here.
/// Written for master-worker mode (<c>haproxy -W -S</c>): no <c>daemon</c>, an admin socket that
/// hands listeners over, and servers written explicitly (runtime <c>add server</c> does not
/// inherit <c>default-server</c>).
/// </summary>
public static class HAProxyConfigRenderer
{
    internal const string FrontendPrefix = "fe_";
    internal const string StatsFrontend = "gitops_stats";

    /// <summary>The idempotent methods of RFC 9110 section 9.2.2: the only ones resent after the server received them.</summary>
    private static readonly string[] IdempotentMethods = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];

    private static readonly string[] CompressedTypes =
    [
        "text/html", "text/plain", "text/css", "text/javascript", "application/javascript", "application/json", "application/xml", "image/svg+xml",
    ];

    /// <exception cref="ArgumentException">The model holds a value that is unsafe in a configuration (validation should have rejected it), or services that conflict on a port.</exception>
    public static string Render(EffectiveHostConfig config, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= RenderOptions.Default;
        var writer = new ConfigWriter();
        writer.Comment("HAProxy", "configuration", "of", "host", config.Host, "generated", "by", "gitops.", "Do", "not", "edit:", "the", "agent", "rewrites", "it.");
        var services = config.Services.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        WriteGlobal(writer, config, services, options);
        WriteDefaults(writer, config.Defaults.Timeouts, options);
        foreach (var port in services.Select(s => s.Service.Listen.Port)
                     .Concat(services.Select(s => s.Service.Listen.Tls?.RedirectFrom).OfType<int>())
                     .Distinct()
                     .Order())
        {
            WriteFrontend(writer, port, services, options);
        }

        if (config.Stats is { } stats)
        {
            WriteStats(writer, stats);
        }

        foreach (var service in services)
        {
            WriteBackend(writer, service, config.Defaults.Timeouts);
        }

        return writer.ToString();
    }

    /// <summary>
    /// <paramref name="text"/>, a configuration this class rendered, with its first line (the comment naming the host) cut
    /// to a bare <c>#</c>. Hosts whose configurations differ only in their names are then equal, so <c>haproxy -c</c> need
    /// check only one of them; line numbers in its messages stay the same.
    /// </summary>
    public static string WithoutHostName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var endOfHeader = text.IndexOf('\n', StringComparison.Ordinal);
        return text.StartsWith("# ", StringComparison.Ordinal) && endOfHeader > 0 ? string.Concat("#", text.AsSpan(endOfHeader)) : text;
    }

    private static void WriteGlobal(ConfigWriter writer, EffectiveHostConfig config, List<EffectiveService> services, RenderOptions options)
    {
        writer.Section("global");
        writer.Line("stats", "socket", options.AdminSocketPath, "mode", "600", "level", "admin", "expose-fd", "listeners");
        writer.Line("stats", "timeout", "30s");
        writer.Line("pidfile", options.PidFilePath);
        writer.Line("maxconn", ConfigWriter.Number(config.Defaults.MaxConnections));
        if (options.HardStopAfter is { } hardStop)
        {
            writer.Line("hard-stop-after", ConfigWriter.Duration(hardStop));
        }

        // HAProxy loads the system's CA store at every start and reload for its Lua HTTP client, which these configurations
        // never use: a third of a reload's work on a 2-core machine (apply benchmark: reload p50 415 -> 280 ms).
        writer.Line("httpclient.ssl.verify", "none");

        if (options.LogToStdout)
        {
            writer.Line("log", "stdout", "format", "raw", "local0");
        }

        if (services.Any(s => s.Service.Listen.Tls is not null))
        {
            writer.Line("ssl-default-bind-options", "ssl-min-ver", "TLSv1.2");
        }
    }

    private static void WriteDefaults(ConfigWriter writer, TimeoutsModel timeouts, RenderOptions options)
    {
        writer.Section("defaults");
        writer.Line("mode", "http");
        if (options.LogToStdout)
        {
            writer.Line("log", "global");
            writer.Line("option", "dontlognull");
        }

        writer.Line("timeout", "connect", ConfigWriter.Duration(timeouts.Connect));
        writer.Line("timeout", "client", ConfigWriter.Duration(timeouts.Client));
        writer.Line("timeout", "server", ConfigWriter.Duration(timeouts.Server));
        writer.Line("timeout", "http-request", ConfigWriter.Duration(timeouts.HttpRequest));
        writer.Line("timeout", "tunnel", ConfigWriter.Duration(timeouts.Tunnel));
        // Every retry goes to another server (redispatch 1): the one that failed is most likely a container going away.
        writer.Line("option", "redispatch", "1");
        writer.Line("retries", "3");
        // conn-failure: the request was not sent (address gone, port closed), so any method may go elsewhere.
        // empty-response: the server closed without answering (a process ending mid-request); http backends resend
        // only idempotent methods (see IdempotentMethods). Not response-timeout: a slow request would be doubled, and
        // not junk-response or status codes: those are answers, usually to the request itself.
        writer.Line("retry-on", "conn-failure", "empty-response");
    }

    private static void WriteFrontend(ConfigWriter writer, int port, List<EffectiveService> services, RenderOptions options)
    {
        var listening = services.Where(s => s.Service.Listen.Port == port).ToList();
        var redirecting = services.Where(s => s.Service.Listen.Tls?.RedirectFrom == port).ToList();
        var mode = listening.Count > 0 ? listening[0].Service.Listen.Mode : ListenMode.Http;
        var acceptProxy = listening.Concat(redirecting).First().Service.Listen.AcceptProxy;
        if (listening.Any(s => s.Service.Listen.Mode != mode || (s.Service.Listen.Tls is null) != (listening[0].Service.Listen.Tls is null))
            || listening.Concat(redirecting).Any(s => s.Service.Listen.AcceptProxy != acceptProxy))
        {
            throw new ArgumentException($"Services on port {port} disagree on mode, TLS or the PROXY protocol; the effective model builder resolves that.", nameof(services));
        }

        writer.Section("frontend", FrontendPrefix + ConfigWriter.Number(port));
        writer.Line("mode", Mode(mode));
        var bind = new List<string> { "bind", Endpoint(options.BindAddress, port) };
        var certificates = listening.Select(s => s.Service.Listen.Tls?.Certificate).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (certificates.Count > 0)
        {
            bind.Add("ssl");
            foreach (var certificate in certificates)
            {
                bind.AddRange(["crt", certificate]);
            }

            if (mode == ListenMode.Http)
            {
                bind.AddRange(["alpn", "h2,http/1.1"]);
            }
        }

        if (acceptProxy)
        {
            bind.Add("accept-proxy");
        }

        writer.Line([.. bind]);
        foreach (var service in redirecting)
        {
            var target = service.Service.Listen.Port;
            string[] redirect = target == 443
                ? ["http-request", "redirect", "scheme", "https", "code", "301"]
                : ["http-request", "redirect", "location", $"https://%[req.hdr(host),field(1,:)]:{ConfigWriter.Number(target)}%[capture.req.uri]", "code", "301"];
            var rules = service.Service.Routes.Select(r => new RouteRule(service.Name, r)).Order().ToList();
            if (rules.Count == 0)
            {
                writer.Line(redirect);
            }

            foreach (var rule in rules)
            {
                WriteConditional(writer, redirect, rule);
            }
        }

        foreach (var rule in listening.SelectMany(s => s.Service.Routes.Select(r => new RouteRule(s.Name, r))).Order())
        {
            WriteConditional(writer, ["use_backend", rule.Service], rule);
        }

        if (listening.FirstOrDefault(s => mode == ListenMode.Tcp || s.Service.Routes.Count == 0) is { } fallback)
        {
            writer.Line("default_backend", fallback.Name);
        }
    }

    private static void WriteConditional(ConfigWriter writer, string[] action, RouteRule rule)
    {
        var condition = rule.Condition();
        writer.Line(condition.Count == 0 ? action : [.. action, "if", .. condition]);
    }

    private static void WriteStats(ConfigWriter writer, StatsModel stats)
    {
        writer.Section("frontend", StatsFrontend);
        writer.Line("mode", "http");
        writer.Line("bind", Endpoint(stats.Bind, stats.Port));
        if (stats.Prometheus)
        {
            writer.Line("http-request", "use-service", "prometheus-exporter", "if", "{", "path", stats.PrometheusPath, "}");
        }

        writer.Line("stats", "enable");
        writer.Line("stats", "uri", stats.Path);
        writer.Line("stats", "refresh", "10s");
        if (stats is { User: { } user, Password: { } password })
        {
            writer.Line("stats", "realm", "gitops");
            writer.Line("stats", "auth", $"{user}:{password}");
        }
    }

    private static void WriteBackend(ConfigWriter writer, EffectiveService effective, TimeoutsModel timeouts)
    {
        var service = effective.Service;
        var backend = service.Backend;
        var http = service.Listen.Mode == ListenMode.Http;
        writer.Section("backend", service.Name);
        if (effective.Origin == ServiceOrigin.Repository && ConfigToken.IsSafeArgument(service.SourceFile))
        {
            writer.Note("from", service.SourceFile);
        }
        else if (effective.Origin == ServiceOrigin.SeedLabels)
        {
            writer.Note("from", "container", "labels", "lb.enable", "lb.publish", "lb.target");
        }

        writer.Line("mode", Mode(service.Listen.Mode));
        writer.Line("balance", Balance(backend.Balance));
        var onlyContainers = effective.Origin == ServiceOrigin.SeedLabels || backend is { Discover: not null, Servers.Count: 0 };
        if (onlyContainers && timeouts.ContainerConnect != timeouts.Connect)
        {
            // Only containers on this host's own bridge: see TimeoutsModel.ContainerConnect.
            writer.Line("timeout", "connect", ConfigWriter.Duration(timeouts.ContainerConnect));
        }
        if (backend.Balance == BalanceAlgorithm.Source)
        {
            // Consistent hashing keeps the algorithm dynamic, so runtime "add server" stays possible.
            writer.Line("hash-type", "consistent");
        }

        if (http && backend.Health?.Path is { } healthPath)
        {
            writer.Line("option", "httpchk", "GET", healthPath);
        }

        var cookie = http && backend.Sticky is { Mode: StickyMode.Cookie };
        if (cookie)
        {
            writer.Line("cookie", backend.Sticky!.CookieName, "insert", "indirect", "nocache");
        }
        else if (backend.Sticky is { Mode: StickyMode.Source })
        {
            writer.Line("stick-table", "type", "ipv6", "size", "100k", "expire", "30m");
            writer.Line("stick", "on", "src");
        }

        if (backend.ClientAddress == ClientAddressMode.Transparent)
        {
            // Connects from the client's address (TPROXY); needs the agent's kernel rules and a privileged HAProxy.
            writer.Line("source", "0.0.0.0", "usesrc", "clientip");
        }

        if (http)
        {
            WriteHttpOptions(writer, service);
        }

        var check = backend.Health is { } health
            ? ConfigWriter.Fragment("check", "inter", ConfigWriter.Duration(health.Interval), "rise", ConfigWriter.Number(health.Rise), "fall", ConfigWriter.Number(health.Fall))
            : ConfigFragment.Empty;
        var proxyHeader = backend.ClientAddress switch
        {
            ClientAddressMode.ProxyV1 => "send-proxy",
            ClientAddressMode.ProxyV2 => "send-proxy-v2",
            _ => null,
        };
        foreach (var server in effective.Servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            WriteServer(writer, server, check, proxyHeader, cookie);
        }
    }

    private static void WriteHttpOptions(ConfigWriter writer, ServiceModel service)
    {
        // A request the server received may be resent (retry-on empty-response) only when doing it twice is the same
        // as doing it once (RFC 9110 section 9.2.2); POST and PATCH are retried only when they were never sent.
        writer.Line(["http-request", "disable-l7-retry", "unless", "{", "method", .. IdempotentMethods, "}"]);
        if (service.Backend.ClientAddress == ClientAddressMode.Header)
        {
            writer.Line("option", "forwardfor");
            writer.Line("http-request", "set-header", "X-Forwarded-Proto", service.Listen.Tls is null ? "http" : "https");
        }

        if (service.Options.Compression)
        {
            writer.Line("compression", "algo", "gzip");
            writer.Line(["compression", "type", .. CompressedTypes]);
        }

        if (service.Options.ServerHeader)
        {
            // %s is the log-format alias of the server that answered.
            writer.Line("http-response", "set-header", "X-Served-By", "%s");
        }
    }

    // proxyHeader is send-proxy or send-proxy-v2 (both accepted by runtime "add server"), or null.
    private static void WriteServer(ConfigWriter writer, EffectiveServer server, ConfigFragment check, string? proxyHeader, bool cookie)
    {
        List<string> tail = ["weight", ConfigWriter.Number(server.Weight)];
        if (proxyHeader is not null)
        {
            tail.Add(proxyHeader);
        }

        if (cookie)
        {
            tail.AddRange(["cookie", server.Name]);
        }

        // A host name that does not resolve must not fail the whole config: the server starts in maintenance.
        if (!ConfigToken.IsIpAddress(server.Address))
        {
            tail.AddRange(["init-addr", "libc,none"]);
        }

        string[] comment = server.Container is { } container
            ? ["container", container.Name, container.ShortId, "network", container.Network]
            : [];
        writer.Line(["server", server.Name, Endpoint(server.Address, server.Port)], check, [.. tail], comment);
    }

    private static string Endpoint(string? address, int port) =>
        address switch
        {
            null or "" => ":" + ConfigWriter.Number(port),
            _ when address.Contains(':', StringComparison.Ordinal) => $"[{address}]:{ConfigWriter.Number(port)}",
            _ => $"{address}:{ConfigWriter.Number(port)}",
        };

    private static string Mode(ListenMode mode) => mode == ListenMode.Tcp ? "tcp" : "http";

    private static string Balance(BalanceAlgorithm balance) => balance switch
    {
        BalanceAlgorithm.RoundRobin => "roundrobin",
        BalanceAlgorithm.LeastConn => "leastconn",
        BalanceAlgorithm.Source => "source",
        BalanceAlgorithm.First => "first",
        BalanceAlgorithm.Random => "random",
        _ => throw new ArgumentOutOfRangeException(nameof(balance), balance, "Unknown balance algorithm."),
    };
}
