using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>An HAProxy configuration read as sections of directives, for comparing two versions.</summary>
internal sealed record HAProxyConfigDocument(ValueList<ConfigSection> Sections)
{
    private static readonly HashSet<string> SectionKeywords = new(StringComparer.Ordinal)
    {
        "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist",
        "mailers", "program", "http-errors", "ring", "cache", "fcgi-app", "log-forward", "namespace_list",
    };

    /// <summary>Reads <paramref name="text"/>: a line whose first word is a section keyword starts a section.</summary>
    public static HAProxyConfigDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new List<ConfigSection>();
        string? keyword = null;
        List<string> header = [];
        var lines = new List<ValueList<string>>();
        foreach (var line in text.Split('\n'))
        {
            var words = ConfigLineTokenizer.Split(line);
            if (words.Count == 0)
            {
                continue;
            }

            if (SectionKeywords.Contains(words[0]))
            {
                Close();
                keyword = words[0];
                header = words.Skip(1).ToList();
                continue;
            }

            // Directives before any section header cannot be valid; they are kept so a change there still shows.
            keyword ??= "";
            lines.Add(words.ToValueList());
        }

        Close();
        return new HAProxyConfigDocument(sections.ToValueList());

        void Close()
        {
            if (keyword is not null)
            {
                sections.Add(new ConfigSection(keyword, header.ToValueList(), lines.ToValueList()));
            }

            lines = [];
        }
    }

    /// <summary>The proxy sections that hold servers, by name.</summary>
    public IEnumerable<ConfigSection> ProxiesWithServers => Sections.Where(s => s.IsProxyWithServers);

    /// <summary>
    /// The <c>defaults</c> section <paramref name="section"/> takes its defaults from: the one its
    /// <c>from</c> clause names, else the last one before it.
    /// </summary>
    public ConfigSection? DefaultsOf(ConfigSection section)
    {
        var index = Sections.ToList().IndexOf(section);
        var from = section.Header.ToList().IndexOf("from");
        if (from >= 0 && from + 1 < section.Header.Count)
        {
            var name = section.Header[from + 1];
            return Sections.LastOrDefault(s => s.Keyword == "defaults" && s.Name == name);
        }

        for (var i = index - 1; i >= 0; i--)
        {
            if (Sections[i].Keyword == "defaults")
            {
                return Sections[i];
            }
        }

        return null;
    }
}
