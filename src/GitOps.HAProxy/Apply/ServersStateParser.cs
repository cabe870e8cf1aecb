using System.Globalization;

namespace GitOps.HAProxy.Apply;

/// <summary>Reads the runtime API's <c>show servers state</c> by its header line's column names.</summary>
internal static class ServersStateParser
{
    /// <exception cref="FormatException">The answer has no header line or a row with fewer columns.</exception>
    public static IReadOnlyList<ServerRuntimeState> Parse(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var lines = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var headerLine = lines.FirstOrDefault(l => l.StartsWith("# be_id", StringComparison.Ordinal))
            ?? throw new FormatException($"Not a 'show servers state' answer: {answer.Trim()}");
        var columns = headerLine[2..].Split(' ').Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        int Column(string name) => columns.TryGetValue(name, out var index)
            ? index
            : throw new FormatException($"'show servers state' has no column '{name}'.");
        var backend = Column("be_name");
        var server = Column("srv_name");
        var address = Column("srv_addr");
        var port = Column("srv_port");
        var admin = Column("srv_admin_state");
        var weight = Column("srv_uweight");
        var states = new List<ServerRuntimeState>();
        foreach (var line in lines.Where(l => !l.StartsWith('#') && l.Contains(' ', StringComparison.Ordinal)))
        {
            var fields = line.Split(' ');
            if (fields.Length < columns.Count)
            {
                throw new FormatException($"A 'show servers state' row has {fields.Length} columns, the header {columns.Count}: '{line}'.");
            }

            states.Add(new ServerRuntimeState(
                fields[backend],
                fields[server],
                fields[address],
                int.Parse(fields[port], CultureInfo.InvariantCulture),
                int.Parse(fields[admin], CultureInfo.InvariantCulture),
                int.Parse(fields[weight], CultureInfo.InvariantCulture)));
        }

        return states;
    }
}
