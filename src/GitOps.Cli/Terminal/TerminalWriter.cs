using System.Text;

namespace GitOps.Cli.Terminal;

/// <summary>
/// Standard output or error while it is a terminal. A terminal that went away (its window closed, the SSH session
/// dropped) answers every write with EIO; the hang-up also starts a shutdown (SIGHUP is handled as SIGTERM), which
/// must not end at its first progress line with HAProxy and PostgreSQL still running. So once a write fails, this
/// writer drops the rest: nobody is left to read it. A file or a pipe is never wrapped, so its errors (a full disk)
/// still fail the command.
/// </summary>
internal sealed class TerminalWriter : TextWriter
{
    private readonly TextWriter terminal;
    private volatile bool hungUp;

    private TerminalWriter(TextWriter terminal)
        : base(terminal.FormatProvider)
    {
        this.terminal = terminal;
    }

    public override Encoding Encoding => terminal.Encoding;

    /// <summary>Wraps <paramref name="writer"/> when it writes to a terminal; returns it unchanged otherwise.</summary>
    public static TextWriter Wrap(TextWriter writer, bool isTerminal) => isTerminal ? new TerminalWriter(writer) : writer;

    // Every other overload, and the async ones, end in these; WriteLine is forwarded whole so lines from two threads never mix.
    public override void Write(char value) => Attempt(static (terminal, value) => terminal.Write(value), value);

    public override void Write(char[] buffer, int index, int count) =>
        Attempt(static (terminal, chunk) => terminal.Write(chunk.buffer, chunk.index, chunk.count), (buffer, index, count));

    public override void Write(string? value) => Attempt(static (terminal, value) => terminal.Write(value), value);

    public override void WriteLine() => Attempt(static (terminal, _) => terminal.WriteLine(), 0);

    public override void WriteLine(string? value) => Attempt(static (terminal, value) => terminal.WriteLine(value), value);

    public override void Flush() => Attempt(static (terminal, _) => terminal.Flush(), 0);

    private void Attempt<T>(Action<TextWriter, T> write, T argument)
    {
        if (hungUp)
        {
            return;
        }

        try
        {
            write(terminal, argument);
        }
        catch (IOException)
        {
            // The terminal is gone (EIO after a hang-up).
            hungUp = true;
        }
    }
}
