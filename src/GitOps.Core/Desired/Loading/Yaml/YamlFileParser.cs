using GitOps.Core.Diagnostics;
using GitOps.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Desired.Loading.Yaml;

/// <summary>
/// Turns one file's text into a YAML node tree with positions, or positioned diagnostics:
/// size and encoding checks first, then YamlDotNet's representation model behind
/// <see cref="GuardedParser"/>. No exception from the YAML library escapes.
/// </summary>
internal static class YamlFileParser
{
    /// <summary>Largest accepted file, in characters; a service file is a few hundred.</summary>
    public const int MaxFileLength = 1024 * 1024;

    public static YamlMappingNode? Parse(RepositoryFile file, DiagnosticBag diagnostics)
    {
        var text = file.Content;
        if (text.Length > MaxFileLength)
        {
            diagnostics.Error(DiagnosticCodes.UnreadableFile, new SourceLocation(file.Path, 1, 1), $"the file is {text.Length} characters long, over the limit of {MaxFileLength}; split it or remove content");
            return null;
        }

        var garbage = text.AsSpan().IndexOfAny('\0', '\uFFFD');
        if (garbage >= 0)
        {
            diagnostics.Error(DiagnosticCodes.UnreadableFile, LocationOf(file.Path, text, garbage), "the file is not UTF-8 text (it holds a NUL byte or an invalid UTF-8 sequence); save it as UTF-8 YAML");
            return null;
        }

        var parser = new GuardedParser(new Parser(new StringReader(text.StartsWith('\uFEFF') ? text[1..] : text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException exception)
        {
            Report(file.Path, text, parser, exception, diagnostics);
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these instead of a YamlException on some malformed input
            // (found by the fuzz test); for the user it is a syntax error near the last good token.
            diagnostics.Error(DiagnosticCodes.YamlSyntax, GuardedParser.ToLocation(file.Path, parser.LastMark), "the file is not valid YAML after this point; check the quoting, brackets and indentation");
            return null;
        }

        if (stream.Documents.Count == 0 || YamlScalars.IsNull(stream.Documents[0].RootNode))
        {
            // An empty file is an empty mapping: the missing required keys are then reported.
            return new YamlMappingNode();
        }

        if (stream.Documents[0].RootNode is YamlMappingNode root)
        {
            return root;
        }

        diagnostics.Error(DiagnosticCodes.WrongType, GuardedParser.ToLocation(file.Path, stream.Documents[0].RootNode.Start), "the document must be a mapping of keys to values (such as 'apiVersion: gitops/v1'); remove the leading '-' or text");
        return null;
    }

    private static void Report(string path, string text, GuardedParser parser, YamlException exception, DiagnosticBag diagnostics)
    {
        if (parser.Violation is { } violation)
        {
            diagnostics.Error(violation.Code, GuardedParser.ToLocation(path, violation.Start), violation.Message);
            return;
        }

        var location = GuardedParser.ToLocation(path, exception.Start);
        const string duplicate = "Duplicate key ";
        if (exception.Message.StartsWith(duplicate, StringComparison.Ordinal))
        {
            var key = ConfigToken.Printable(exception.Message[duplicate.Length..]);
            diagnostics.Error(DiagnosticCodes.DuplicateKey, location, $"the key '{key}' appears twice in one mapping; remove one of them");
            return;
        }

        if (exception.Message.Contains(" tab ", StringComparison.Ordinal) && IndentingTab(text) is { } tab)
        {
            // YamlDotNet marks the start of the enclosing mapping; the tab itself is what to fix.
            location = LocationOf(path, text, tab);
        }

        var reason = ConfigToken.Printable(exception.Message.TrimEnd('.'));
        diagnostics.Error(DiagnosticCodes.YamlSyntax, location, $"the file is not valid YAML: {reason}; fix the syntax here (indent with spaces, close every bracket and quote)");
    }

    /// <summary>The index of the first tab in a line's leading whitespace, if any.</summary>
    private static int? IndentingTab(string text)
    {
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\t' when lineStart:
                    return i;
                case '\n':
                    lineStart = true;
                    break;
                case not ' ':
                    lineStart = false;
                    break;
            }
        }

        return null;
    }

    private static SourceLocation LocationOf(string path, string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(path, line, index - lineStart + 1);
    }
}
