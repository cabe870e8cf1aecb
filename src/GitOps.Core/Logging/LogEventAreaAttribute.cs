namespace GitOps.Core.Logging;

/// <summary>
/// Names the area of <see cref="LogEventIds"/> whose range the [LoggerMessage] methods of the class it marks take
/// their event ids from, so the ids test can tell an id that strayed out of its range.
/// </summary>
/// <param name="first">The area's base, a constant of <see cref="LogEventIds"/>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LogEventAreaAttribute(int first) : Attribute
{
    /// <summary>The area's base: its ids are the <see cref="LogEventIds.RangeSize"/> - 1 numbers after it.</summary>
    public int First { get; } = first;
}
