using System.Globalization;

namespace GitOps.Docker.Discovery;

/// <summary>Linux signal numbers as Docker names them in <c>Config.StopSignal</c> (<c>SIGTERM</c>, <c>TERM</c> or <c>15</c>) and in <c>kill</c> events.</summary>
public static class StopSignals
{
    /// <summary>SIGKILL: cannot be caught; the process ends now.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM: what <c>docker stop</c> sends when the image names no other stop signal.</summary>
    public const int Terminate = 15;

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = Kill, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = Terminate, ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21,
        ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28,
        ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    /// <summary>The number of <paramref name="text"/> (<c>15</c>, <c>TERM</c>, <c>SIGTERM</c>, <c>SIGRTMIN+3</c> is not known); null when unknown.</summary>
    public static int? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number is > 0 and < 65 ? number : null;
        }

        var name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        return Numbers.TryGetValue(name, out var known) ? known : null;
    }

    /// <summary>The conventional name of signal <paramref name="number"/> (<c>SIGTERM</c>), or <c>signal N</c>.</summary>
    public static string Name(int number) =>
        Numbers.Where(pair => pair.Value == number).Select(pair => "SIG" + pair.Key).FirstOrDefault()
        ?? string.Create(CultureInfo.InvariantCulture, $"signal {number}");
}
