namespace GitOps.Core.Events;

/// <summary>
/// Marks a domain event: an immutable record named in the past tense, stored as JSON in the event
/// store under its type name. Metadata (ids, actor, time) travels beside it, not inside it.
/// </summary>
#pragma warning disable CA1040 // A marker interface: events share no members, but the store and subscribers type against it.
public interface IEvent;
#pragma warning restore CA1040
