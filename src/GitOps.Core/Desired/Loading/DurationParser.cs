namespace GitOps.Core.Desired.Loading;

/// <summary>
/// Parses durations written as <c>500ms</c>, <c>2s</c>, <c>1m</c>, <c>1h</c> or a combination in
/// that order (<c>1h30m</c>, <c>1m30s</c>); each part at most 7 digits.
/// </summary>
internal static class DurationParser
{
    public static readonly TimeSpan Maximum = TimeSpan.FromHours(24);

    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var index = 0;
        var unitIndex = 0;
        var total = 0L;
        while (index < text.Length)
        {
            var start = index;
            while (index < text.Length && char.IsAsciiDigit(text[index]) && index - start < 8)
            {
                index++;
            }

            var digits = index - start;
            if (digits is 0 or > 7)
            {
                return false;
            }

            var number = long.Parse(text.AsSpan(start, digits), provider: System.Globalization.CultureInfo.InvariantCulture);
            var matched = false;
            for (; unitIndex < Units.Length && !matched; unitIndex++)
            {
                var unit = Units[unitIndex].Unit;
                if (text.AsSpan(index).StartsWith(unit, StringComparison.Ordinal) && !(unit == "m" && text.AsSpan(index).StartsWith("ms", StringComparison.Ordinal)))
                {
                    total += number * Units[unitIndex].Ticks;
                    index += unit.Length;
                    matched = true;
                }
            }

            if (!matched)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks(total);
        return text.Length > 0;
    }
}
