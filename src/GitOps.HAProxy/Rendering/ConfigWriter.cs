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

    public void Line(params ReadOnlySpan<string> tokens) => Line(tokens, ConfigFragment.Empty, [], []);

    /// <summary>
    /// An indented directive: <paramref name="head"/>, a pre-checked <paramref name="middle"/>,
    /// <paramref name="tail"/>, then a trailing comment. Comment words that are not safe tokens are
    /// left out: a comment only informs, and must never end the line early.
    /// </summary>
    public void Line(ReadOnlySpan<string> head, ConfigFragment middle, ReadOnlySpan<string> tail, ReadOnlySpan<string> comment)
    {
        _text.Append(Indent).Append(ConfigToken.EnsureSafeArgument(head[0]));
        AppendTokens(head[1..]);
        if (middle.Text.Length > 0)
        {
            _text.Append(' ').Append(middle.Text);
        }

        AppendTokens(tail);
        if (comment.Length > 0)
        {
            _text.Append(" #");
            foreach (var word in comment)
            {
                if (ConfigToken.IsSafeArgument(word))
                {
                    _text.Append(' ').Append(word);
                }
            }
        }

        _text.Append('\n');
    }

    /// <summary>Checks <paramref name="tokens"/> once for a <see cref="Line(ReadOnlySpan{string}, ConfigFragment, ReadOnlySpan{string}, ReadOnlySpan{string})"/> written many times.</summary>
    public static ConfigFragment Fragment(params ReadOnlySpan<string> tokens)
    {
        var parts = new string[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            parts[i] = ConfigToken.EnsureSafeArgument(tokens[i]);
        }

        return new ConfigFragment(string.Join(' ', parts));
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
