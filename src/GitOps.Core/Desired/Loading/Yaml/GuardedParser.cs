using GitOps.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GitOps.Core.Desired.Loading.Yaml;

/// <summary>
/// Passes YamlDotNet's parser events through and stops at what the repository format rejects:
/// anchors and aliases (which also defuse alias bombs), tags, a second document, and nesting
/// deep enough to exhaust the stack of the recursive node builder.
/// </summary>
internal sealed class GuardedParser(IParser inner) : IParser
{
    public const int MaxDepth = 32;

    private int _depth;
    private int _documents;

    /// <summary>Set when the parse was stopped on purpose: the code, message and where.</summary>
    public (string Code, Mark Start, string Message)? Violation { get; private set; }

    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last event read ended: the best position when the parser fails without one.</summary>
    public Mark LastMark { get; private set; } = Mark.Empty;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        LastMark = inner.Current?.End ?? LastMark;
        switch (inner.Current)
        {
            case DocumentStart start when ++_documents > 1:
                Stop(DiagnosticCodes.MultipleDocuments, start.Start, "the file holds more than one YAML document; keep one document per file and remove the '---' separator");
                break;
            case AnchorAlias alias:
                Stop(DiagnosticCodes.UnsupportedYaml, alias.Start, $"the alias '*{alias.Value}' is not supported; write the value out in full");
                break;
            case NodeEvent { Anchor.IsEmpty: false } node:
                Stop(DiagnosticCodes.UnsupportedYaml, node.Start, $"the anchor '&{node.Anchor}' is not supported; remove it and write values out in full");
                break;
            case NodeEvent { Tag.IsEmpty: false, Tag.IsNonSpecific: false } node:
                Stop(DiagnosticCodes.UnsupportedYaml, node.Start, $"the tag '{node.Tag}' is not supported; remove it (quote the value to make it a string)");
                break;
            case MappingStart or SequenceStart when ++_depth > MaxDepth:
                Stop(DiagnosticCodes.UnsupportedYaml, inner.Current.Start, $"the nesting is deeper than {MaxDepth} levels; flatten the document");
                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }

        return true;
    }

    private void Stop(string code, Mark start, string message)
    {
        Violation = (code, start, message);
        throw new YamlException(start, start, message);
    }

    public static SourceLocation ToLocation(string file, Mark mark) =>
        new(file, (int)Math.Max(1, Math.Min(mark.Line, int.MaxValue)), (int)Math.Max(1, Math.Min(mark.Column, int.MaxValue)));
}
