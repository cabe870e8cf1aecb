namespace GitOps.Core.Text;

/// <summary>One line of an edit script; line numbers are 1-based and 0 on the side the line is absent from.</summary>
public sealed record DiffLine(DiffKind Kind, string Text, int OldNumber, int NewNumber);
