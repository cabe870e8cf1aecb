using System.Globalization;
using System.Text;
using GitOps.Core.Validation;

namespace GitOps.HAProxy.Rendering;

/// <summary>
/// Writes HAProxy configuration text. Every token, keyword or value, passes
/// <see cref="ConfigToken.EnsureSafeArgument"/>, so nothing can add a line, a comment or an argument.
/// </summary>
internal sealed class ConfigWriter
{
    private const string Indent = "    ";
    private readonly StringBuilder _text = new(4096);

    /// <summary>A top-level comment line.</summary>
    public void Comment(params ReadOnlySpan<string> words)
    {
        _text.Append('#');
        AppendTokens(words);
        _text.Append('\n');
    }

    /// <summary>A comment line inside a section.</summary>
    public void Note(params ReadOnlySpan<string> words)
    {
        _text.Append(Indent).Append('#');
        AppendTokens(words);
        _text.Append('\n');
    }

    /// <summary>Starts a section (<c>global</c>, <c>frontend fe_80</c>, …) after a blank line.</summary>
    public void Section(params ReadOnlySpan<string> tokens)
    {
        if (_text.Length > 0)
        {
            _text.Append('\n');
        }

        _text.Append(ConfigToken.EnsureSafeArgument(tokens[0]));
        AppendTokens(tokens[1..]);
        _text.Append('\n');
    }

    public void Line(params ReadOnlySpan<string> tokens) => Line(tokens, []);

    /// <summary>An indented directive with a trailing comment (e.g. the container behind a server).</summary>
    public void Line(ReadOnlySpan<string> tokens, ReadOnlySpan<string> comment)
    {
        _text.Append(Indent).Append(ConfigToken.EnsureSafeArgument(tokens[0]));
        AppendTokens(tokens[1..]);
        if (comment.Length > 0)
        {
            _text.Append(" #");
            AppendTokens(comment);
        }

        _text.Append('\n');
    }

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An HAProxy time value in the largest exact unit: <c>1h</c>, <c>30s</c>, <c>1500ms</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        return ms switch
        {
            > 0 when ms % 3_600_000 == 0 => (ms / 3_600_000).ToString(CultureInfo.InvariantCulture) + "h",
            > 0 when ms % 60_000 == 0 => (ms / 60_000).ToString(CultureInfo.InvariantCulture) + "m",
            > 0 when ms % 1_000 == 0 => (ms / 1_000).ToString(CultureInfo.InvariantCulture) + "s",
            _ => ms.ToString(CultureInfo.InvariantCulture) + "ms",
        };
    }

    public override string ToString() => _text.ToString();

    private void AppendTokens(ReadOnlySpan<string> tokens)
    {
        foreach (var token in tokens)
        {
            _text.Append(' ').Append(ConfigToken.EnsureSafeArgument(token));
        }
    }
}
