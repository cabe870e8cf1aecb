using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading;

/// <summary>Collects diagnostics while loading; every validator adds to it and none stops at the first problem.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public bool HasErrors { get; private set; }

    public int Count => _items.Count;

    public void Error(string code, SourceLocation location, string message)
    {
        HasErrors = true;
        _items.Add(new Diagnostic(code, message, location));
    }

    public void Warning(string code, SourceLocation location, string message) =>
        _items.Add(new Diagnostic(code, message, location, DiagnosticSeverity.Warning));

    /// <summary>Sorted by file, line, column; a stable sort keeps discovery order for one position, and exact repeats are dropped.</summary>
    public ValueList<Diagnostic> ToSortedList() =>
        _items
            .Distinct()
            .OrderBy(d => d.Location?.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location?.Line ?? 0)
            .ThenBy(d => d.Location?.Column ?? 0)
            .ToValueList();
}
