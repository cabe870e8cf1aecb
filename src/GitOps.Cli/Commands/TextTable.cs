using System.Globalization;
using System.Text;

namespace GitOps.Cli.Commands;

/// <summary>Left-aligned columns for the text output of the store commands, with optional indented note lines under a row.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<(string[] Cells, List<string> Notes)> rows = [];

    public static string Time(DateTimeOffset at) => GitOps.Reconciler.ReadModels.HistoryWording.Time(at);

    public void Add(params string[] cells) => rows.Add((cells, []));

    /// <summary>A line shown under the last row, indented.</summary>
    public void Note(string line) => rows[^1].Notes.Add(line);

    public override string ToString()
    {
        var widths = headers.Select((h, i) => rows.Select(r => r.Cells[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Line(text, headers, widths);
        foreach (var (cells, notes) in rows)
        {
            Line(text, cells, widths);
            foreach (var note in notes)
            {
                text.Append("    ").Append(note).Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.Append('\n');
    }
}
