namespace GitOps.Core.Desired.Loading;

/// <summary>
/// The stable codes of every diagnostic the desired-state loader reports. Codes are never
/// reused or renumbered: tools and documentation refer to them.
/// </summary>
public static class DiagnosticCodes
{
    public const string YamlSyntax = "GITOPS001";
    public const string UnreadableFile = "GITOPS002";
    public const string MultipleDocuments = "GITOPS003";
    public const string UnsupportedYaml = "GITOPS004";
    public const string UnknownKey = "GITOPS005";
    public const string WrongType = "GITOPS006";
    public const string MissingKey = "GITOPS007";
    public const string DuplicateKey = "GITOPS008";
    public const string WrongApiVersion = "GITOPS009";
    public const string WrongKind = "GITOPS010";
    public const string InvalidChoice = "GITOPS011";
    public const string InvalidName = "GITOPS012";
    public const string PortOutOfRange = "GITOPS013";
    public const string NumberOutOfRange = "GITOPS014";
    public const string InvalidDuration = "GITOPS015";
    public const string InvalidAddress = "GITOPS016";
    public const string InvalidHostName = "GITOPS017";
    public const string InvalidPath = "GITOPS018";
    public const string InvalidCertificatePath = "GITOPS019";
    public const string TlsOnTcp = "GITOPS020";
    public const string RoutesOnTcp = "GITOPS021";
    public const string DuplicateRoute = "GITOPS022";
    public const string DuplicateService = "GITOPS023";
    public const string UnknownHost = "GITOPS024";
    public const string DuplicateHost = "GITOPS025";
    public const string EmptyList = "GITOPS026";
    public const string DuplicateServer = "GITOPS027";
    public const string InvalidLabelSelector = "GITOPS028";
    public const string InvalidNetworkName = "GITOPS029";
    public const string InvalidSticky = "GITOPS030";
    public const string InvalidStats = "GITOPS031";
    public const string PortConflict = "GITOPS032";
    public const string RedirectConflict = "GITOPS033";
    public const string NoServers = "GITOPS034";
    public const string InvalidInterface = "GITOPS035";
    public const string DuplicateAddress = "GITOPS036";
    public const string MissingHostAddress = "GITOPS037";
    public const string TooManyVirtualAddresses = "GITOPS038";
    public const string InvalidClientAddress = "GITOPS039";

    /// <summary>Every code with a one-line meaning, in code order (the README table is generated from this).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Catalog { get; } =
    [
        new(YamlSyntax, "The file is not valid YAML (syntax error, tab indentation, unclosed bracket or quote)."),
        new(UnreadableFile, "The file is not UTF-8 text (binary, NUL bytes) or is larger than 1 MiB."),
        new(MultipleDocuments, "The file holds more than one YAML document (`---`); one service or settings document per file."),
        new(UnsupportedYaml, "Anchors, aliases, tags or nesting deeper than 32 levels are not supported."),
        new(UnknownKey, "A key the schema does not know, with the closest known key suggested."),
        new(WrongType, "A value of the wrong type (string, integer, true/false, mapping or list expected)."),
        new(MissingKey, "A required key is missing."),
        new(DuplicateKey, "A key appears twice in one mapping."),
        new(WrongApiVersion, "`apiVersion` is not `gitops/v1`."),
        new(WrongKind, "`kind` is not `Service` (services/*.yaml) or `Settings` (gitops.yaml)."),
        new(InvalidChoice, "A value outside its fixed set (mode, balance, sticky mode)."),
        new(InvalidName, "A service, host or server name that is not `[a-z0-9][a-z0-9-]*` (at most 63 characters)."),
        new(PortOutOfRange, "A port outside 1–65535."),
        new(NumberOutOfRange, "A number outside its range (weight 0–256, rise/fall 1–100, maxConnections 1–1000000)."),
        new(InvalidDuration, "A duration that is not like `500ms`, `2s`, `1m30s`, `1h`, or is zero or over 24h."),
        new(InvalidAddress, "A server address that is not `ip:port`, `[ipv6]:port` or `host:port`, a bind or host address that is not an IP, or a virtual address that is not `ip/prefix`."),
        new(InvalidHostName, "A route host that is not a lowercase DNS name (optionally `*.` wildcard)."),
        new(InvalidPath, "A URL path that does not start with `/` or holds unsafe characters."),
        new(InvalidCertificatePath, "A certificate path that is not absolute or holds unsafe characters or `..`."),
        new(TlsOnTcp, "TLS termination on a tcp service."),
        new(RoutesOnTcp, "Routes on a tcp service."),
        new(DuplicateRoute, "The same host and path routed twice by one service."),
        new(DuplicateService, "Two files declare the same service name."),
        new(UnknownHost, "A service or a virtual-address group names a host that gitops.yaml does not declare."),
        new(DuplicateHost, "A host name declared twice (gitops.yaml hosts, a service's or a virtual-address group's hosts list)."),
        new(EmptyList, "A list that needs items is empty, or a virtual-address group has fewer than two hosts."),
        new(DuplicateServer, "Two static servers of one backend share a name."),
        new(InvalidLabelSelector, "A label selector with an empty key, control or line-break characters, a conflicting compose label, or no label at all."),
        new(InvalidNetworkName, "A Docker network name that is not `[A-Za-z0-9][A-Za-z0-9_.-]*`."),
        new(InvalidSticky, "A sticky-session setting that cannot work (cookie on tcp, bad cookie name, cookie with mode source)."),
        new(InvalidStats, "Stats page credentials or paths that are unsafe, half given or clashing."),
        new(PortConflict, "Two services (or a service and the stats page) that cannot share a port on a common host (tcp, a different `listen.tls`, a different `listen.acceptProxy`, the same route)."),
        new(RedirectConflict, "A TLS redirect port that is the service's own port or is used by a tcp or TLS listener."),
        new(NoServers, "Warning: a backend with neither `discover` nor `servers`; it answers 503 until servers are added."),
        new(InvalidInterface, "A network interface name that is not `[A-Za-z0-9][A-Za-z0-9_.-]*` (at most 15 characters)."),
        new(DuplicateAddress, "One address claimed twice: by two virtual-address groups, by two hosts, or by a host and a virtual address."),
        new(MissingHostAddress, "A host of a virtual-address group without an `address` in `hosts`, or with one of the other IP family."),
        new(TooManyVirtualAddresses, "More than 255 virtual-address groups (VRRP router ids are 1–255)."),
        new(InvalidClientAddress, "A `backend.clientAddress` that cannot work: `header` on tcp, a contradicting `options.forwardedFor`, or `transparent` with a static server on a loopback or IPv6 address."),
    ];
}
