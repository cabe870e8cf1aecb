using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GitOps.Cli.Commands;

/// <summary>Durations on the command line as operators write them: <c>500ms</c>, <c>10s</c>, <c>2m</c>.</summary>
internal static class DurationArgument
{
    public static Option<TimeSpan> Option(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} Written like 500ms, 10s or 2m; default {Show(defaultValue)}.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = Parse,
        HelpName = "duration",
    };

    public static string Show(TimeSpan value) =>
        value.TotalMilliseconds < 1000 || value.Milliseconds != 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0}s");

    private static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : "";
        var (digits, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : text.EndsWith('m') ? (text[..^1], 60_000.0)
            : (text, double.NaN);
        if (double.IsNaN(unit) || !double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || number > 86_400_000 / unit)
        {
            result.AddError($"'{text}' is not a duration: write a number with ms, s or m, e.g. 500ms or 10s.");
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMilliseconds(number * unit);
    }
}
