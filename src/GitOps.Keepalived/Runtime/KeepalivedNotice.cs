using System.Globalization;

namespace GitOps.Keepalived.Runtime;

/// <summary>
/// One state change keepalived reported through its notify FIFO, as the FIFO's reader logged it: a line <c>&lt;unix ms&gt;
/// &lt;instance&gt; &lt;state&gt; &lt;priority&gt;</c> of the notify log, with the byte offset just past it (what the agent records as done).
/// </summary>
public sealed record KeepalivedNotice(DateTimeOffset At, string Instance, string State, int Priority, long EndOffset)
{
    public const string Master = "MASTER";
    public const string Backup = "BACKUP";
    public const string Fault = "FAULT";
    public const string Stop = "STOP";

    /// <summary>Parses one line (without its newline); null when it is not four fields of the expected kinds.</summary>
    public static KeepalivedNotice? Parse(string line, long endOffset)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 4
            || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var priority)
            || fields[2] is not (Master or Backup or Fault or Stop))
        {
            return null;
        }

        return new KeepalivedNotice(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), fields[1], fields[2], priority, endOffset);
    }
}
