using GitOps.Core.Collections;

namespace GitOps.HAProxy.Apply;

/// <summary>
/// One section of an HAProxy configuration (<c>global</c>, <c>defaults</c>, <c>frontend fe</c>, …):
/// its header words and its directives as words, comments and blank lines left out.
/// </summary>
/// <param name="Keyword">The section keyword: <c>global</c>, <c>defaults</c>, <c>backend</c>, …</param>
/// <param name="Header">The header's words after the keyword (the name, <c>from</c> clauses).</param>
/// <param name="Lines">Each directive's words, in file order.</param>
internal sealed record ConfigSection(string Keyword, ValueList<string> Header, ValueList<ValueList<string>> Lines)
{
    /// <summary>The section's name (first header word), empty for <c>global</c> and unnamed <c>defaults</c>.</summary>
    public string Name => Header.Count > 0 ? Header[0] : "";

    /// <summary>True for the sections that hold servers, which the runtime API can change.</summary>
    public bool IsProxyWithServers => Keyword is "backend" or "listen";

    /// <summary>"backend b", "global": how messages name the section.</summary>
    public string Title => Header.Count > 0 ? $"{Keyword} {string.Join(' ', Header)}" : Keyword;

    /// <summary>The directives that are not <c>server</c> lines.</summary>
    public IEnumerable<ValueList<string>> OtherLines => Lines.Where(l => l[0] != "server");

    /// <summary>The <c>server</c> lines, parsed.</summary>
    public IEnumerable<ServerLine> Servers => Lines.Where(l => l[0] == "server").Select(ServerLine.Parse);

    /// <summary>The words after <paramref name="keyword"/> on its last line in this section, or null.</summary>
    public ValueList<string>? Directive(string keyword)
    {
        for (var i = Lines.Count - 1; i >= 0; i--)
        {
            if (Lines[i][0] == keyword)
            {
                return Lines[i].Skip(1).ToValueList();
            }
        }

        return null;
    }
}
