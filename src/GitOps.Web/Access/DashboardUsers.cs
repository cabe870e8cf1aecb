using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOps.Web.Access;

/// <summary>
/// Who may sign in to the dashboard, read from a file on the controller's machine (never from the Git repository):
/// one entry per line, <c>&lt;name&gt; &lt;viewer|operator&gt; &lt;hash&gt;</c>, where the hash is a password's
/// (<c>pbkdf2-sha256$…</c>: signs in through the form) or an API token's (<c>sha256$…</c>: sent as
/// <c>Authorization: Bearer &lt;token&gt;</c>); <c>gitops dashboard-user</c> writes such lines. Blank lines and lines
/// starting with <c>#</c> are ignored.
/// </summary>
public sealed partial class DashboardUsers
{
    private readonly List<Entry> entries;

    private DashboardUsers(List<Entry> entries) => this.entries = entries;

    /// <summary>How many entries the file holds.</summary>
    public int Count => entries.Count;

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">A line is not an entry; the message names the file, the line and the fix.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DashboardUsers Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads the entries of <paramref name="text"/>, naming <paramref name="path"/> in errors.</summary>
    /// <exception cref="FormatException">A line is not an entry.</exception>
    public static DashboardUsers Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<Entry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string Where() => string.Create(CultureInfo.InvariantCulture, $"{path}:{i + 1}");
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3)
            {
                throw new FormatException($"{Where()}: a users file line is '<name> <viewer|operator> <hash>' (make one with `gitops dashboard-user`), not {fields.Length} fields");
            }

            if (!NameRegex().IsMatch(fields[0]))
            {
                throw new FormatException($"{Where()}: '{GitOps.Core.Validation.ConfigToken.Printable(fields[0])}' is not a user name: letters, digits, '.', '_', '-' and '@', at most 64");
            }

            if (!TryRole(fields[1], out var role))
            {
                throw new FormatException($"{Where()}: role '{GitOps.Core.Validation.ConfigToken.Printable(fields[1])}' of {fields[0]} is neither viewer nor operator");
            }

            if (SecretHash.Problem(fields[2]) is { } problem)
            {
                throw new FormatException($"{Where()}: the hash of {fields[0]}: {problem}");
            }

            if (entries.Any(e => e.Name == fields[0] && SecretHash.IsToken(e.Hash) == SecretHash.IsToken(fields[2])))
            {
                throw new FormatException($"{Where()}: {fields[0]} has a {(SecretHash.IsToken(fields[2]) ? "token" : "password")} on an earlier line already");
            }

            entries.Add(new Entry(fields[0], role, fields[2]));
        }

        return new DashboardUsers(entries);
    }

    /// <summary>The role of <paramref name="name"/> when <paramref name="password"/> is theirs; null otherwise (the same time either way for a known name).</summary>
    public DashboardRole? SignIn(string name, string password)
    {
        var entry = entries.FirstOrDefault(e => e.Name == name && !SecretHash.IsToken(e.Hash));
        return entry is not null && SecretHash.Matches(password, entry.Hash) ? entry.Role : null;
    }

    /// <summary>The user and role an API token belongs to; null for an unknown token.</summary>
    public (string Name, DashboardRole Role)? FromToken(string token)
    {
        foreach (var entry in entries.Where(e => SecretHash.IsToken(e.Hash)))
        {
            if (SecretHash.Matches(token, entry.Hash))
            {
                return (entry.Name, entry.Role);
            }
        }

        return null;
    }

    private static bool TryRole(string text, out DashboardRole role)
    {
        role = DashboardRole.Viewer;
        switch (text)
        {
            case "viewer":
                return true;
            case "operator":
                role = DashboardRole.Operator;
                return true;
            default:
                return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    private sealed record Entry(string Name, DashboardRole Role, string Hash);
}
