namespace GitOps.Core.Desired.Loading.Reading;

/// <summary>The YAML spelling of every enumerated value, shared by the readers and the schema test.</summary>
internal static class Choices
{
    public static IReadOnlyDictionary<string, ListenMode> Modes { get; } = new Dictionary<string, ListenMode>(StringComparer.Ordinal)
    {
        ["http"] = ListenMode.Http,
        ["tcp"] = ListenMode.Tcp,
    };

    public static IReadOnlyDictionary<string, BalanceAlgorithm> Balances { get; } = new Dictionary<string, BalanceAlgorithm>(StringComparer.Ordinal)
    {
        ["roundrobin"] = BalanceAlgorithm.RoundRobin,
        ["leastconn"] = BalanceAlgorithm.LeastConn,
        ["source"] = BalanceAlgorithm.Source,
        ["first"] = BalanceAlgorithm.First,
        ["random"] = BalanceAlgorithm.Random,
    };

    public static IReadOnlyDictionary<string, StickyMode> StickyModes { get; } = new Dictionary<string, StickyMode>(StringComparer.Ordinal)
    {
        ["source"] = StickyMode.Source,
        ["cookie"] = StickyMode.Cookie,
    };

    public static IReadOnlyDictionary<string, ClientAddressMode> ClientAddressModes { get; } = new Dictionary<string, ClientAddressMode>(StringComparer.Ordinal)
    {
        ["header"] = ClientAddressMode.Header,
        ["proxy-v1"] = ClientAddressMode.ProxyV1,
        ["proxy-v2"] = ClientAddressMode.ProxyV2,
        ["transparent"] = ClientAddressMode.Transparent,
        ["none"] = ClientAddressMode.None,
    };
}
