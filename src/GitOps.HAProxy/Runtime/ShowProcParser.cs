using System.Globalization;
using System.Text.RegularExpressions;
using GitOps.Core.Collections;

namespace GitOps.HAProxy.Runtime;

/// <summary>
/// Parses the master CLI's <c>show proc</c> answer as HAProxy 2.6 prints it:
/// <code>
/// #&lt;PID&gt;          &lt;type&gt;          &lt;reloads&gt;       &lt;uptime&gt;        &lt;version&gt;
/// 7470            master          2 [failed: 1]   0d00h00m05s     2.6.12-1+deb12u4
/// # workers
/// 7559            worker          1               0d00h00m02s     2.6.12-1+deb12u4
/// # old workers
/// 7482            worker          2               0d00h00m09s     2.6.12-1+deb12u4
/// # programs
/// </code>
/// </summary>
public static partial class ShowProcParser
{
    private enum Section
    {
        Master,
        Workers,
        OldWorkers,
        Programs,
    }

    /// <exception cref="FormatException">The text is not a <c>show proc</c> answer (for example an error message).</exception>
    public static HAProxyProcessList Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        HAProxyProcess? master = null;
        int? failedReloads = null;
        var workers = new List<HAProxyProcess>();
        var oldWorkers = new List<HAProxyProcess>();
        var programs = new List<HAProxyProcess>();
        var section = Section.Master;
        var sawHeader = false;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("#<PID>", StringComparison.Ordinal))
            {
                sawHeader = true;
                continue;
            }

            if (line.StartsWith('#'))
            {
                section = line switch
                {
                    "# workers" => Section.Workers,
                    "# old workers" => Section.OldWorkers,
                    "# programs" => Section.Programs,
                    _ => throw Unexpected(text, $"unknown section '{line}'"),
                };
                continue;
            }

            if (!sawHeader)
            {
                throw Unexpected(text, "no '#<PID>' header line");
            }

            var match = ProcessLine().Match(line);
            if (!match.Success)
            {
                throw Unexpected(text, $"unreadable process line '{line}'");
            }

            var name = match.Groups["type"].Value;
            var type = section switch
            {
                Section.Master when name == "master" => HAProxyProcessType.Master,
                Section.Workers or Section.OldWorkers when name == "worker" => HAProxyProcessType.Worker,
                Section.Programs => HAProxyProcessType.Program,
                _ => throw Unexpected(text, $"process type '{name}' in the {section} section"),
            };
            var process = new HAProxyProcess(
                int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture),
                type,
                name,
                int.Parse(match.Groups["reloads"].Value, CultureInfo.InvariantCulture),
                ParseUptime(match),
                match.Groups["version"].Value);

            switch (section)
            {
                case Section.Master when master is null:
                    master = process;
                    failedReloads = match.Groups["failed"].Success
                        ? int.Parse(match.Groups["failed"].Value, CultureInfo.InvariantCulture)
                        : null;
                    break;
                case Section.Master:
                    throw Unexpected(text, "more than one master line");
                case Section.Workers:
                    workers.Add(process);
                    break;
                case Section.OldWorkers:
                    oldWorkers.Add(process);
                    break;
                default:
                    programs.Add(process);
                    break;
            }
        }

        if (master is null)
        {
            throw Unexpected(text, "no master line");
        }

        return new HAProxyProcessList(master, failedReloads, workers.ToValueList(), oldWorkers.ToValueList(), programs.ToValueList());
    }

    private static TimeSpan ParseUptime(Match match)
    {
        static int Part(Match match, string name) => int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        return new TimeSpan(Part(match, "days"), Part(match, "hours"), Part(match, "minutes"), Part(match, "seconds"));
    }

    private static FormatException Unexpected(string text, string reason)
    {
        const int maxShown = 300;
        var shown = text.Length > maxShown ? text[..maxShown] + "…" : text;
        return new FormatException($"Not an HAProxy 'show proc' answer ({reason}): {shown.Trim()}");
    }

    [GeneratedRegex(
        @"^(?<pid>\d+)\s+(?<type>\S+)\s+(?<reloads>\d+)(?:\s+\[failed:\s*(?<failed>\d+)\])?\s+(?<days>\d+)d(?<hours>\d+)h(?<minutes>\d+)m(?<seconds>\d+)s\s+(?<version>\S+)$",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex ProcessLine();
}
