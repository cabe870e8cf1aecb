using System.Text;

namespace GitOps.Cli.Tests;

/// <summary>
/// An output writer a test reads while a long-running command (agent, up) still writes to it from other threads:
/// every write and read takes the same lock.
/// </summary>
internal sealed class LiveWriter : TextWriter
{
    private readonly StringBuilder text = new();
    private readonly Lock gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (gate)
        {
            text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (gate)
        {
            text.Append(value);
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            return text.ToString();
        }
    }

    /// <summary>The lines written so far that contain <paramref name="part"/>.</summary>
    public IReadOnlyList<string> LinesWith(string part) =>
        ToString().Split('\n').Where(l => l.Contains(part, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until <paramref name="count"/> lines contain <paramref name="part"/>, polling every 100 ms up to <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message carries what was written.</exception>
    public async Task WaitForLinesAsync(string part, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (LinesWith(part).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not {count} line(s) with \"{part}\" within {timeout.TotalSeconds:0} s. Written so far:\n{this}");
            }

            await Task.Delay(100);
        }
    }
}
