using GitOps.Core.Discovery;
using GitOps.Core.Validation;

namespace GitOps.Core.Effective;

/// <summary>Hands out unique server names within one backend, derived from container names.</summary>
internal sealed class ServerNames(IEnumerable<string> taken)
{
    private readonly HashSet<string> _taken = new(taken, StringComparer.Ordinal);

    public string Claim(ObservedContainer container)
    {
        var name = ConfigToken.ToName(container.Name);
        if (name is not null && _taken.Add(name))
        {
            return name;
        }

        var id = ConfigToken.ToName(container.Id) ?? "c";
        name ??= "c";

        // Another server took the sanitized name (e.g. "Web_1" and "web-1"): the id keeps it stable.
        var withId = Cut(name, 63 - 9) + "-" + Cut(id, 8);
        for (var n = 2; !_taken.Add(withId); n++)
        {
            var suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            withId = Cut(name, 63 - 9 - suffix.Length) + "-" + Cut(id, 8) + suffix;
        }

        return withId;
    }

    private static string Cut(string value, int length) => value.Length > length ? value[..length] : value;
}
