using GitOps.Core.Events;

namespace GitOps.EventStore;

/// <summary>
/// A stored event this process cannot turn into a record: a type written by a newer version, or data
/// that no longer fits its type. Subscribers skip or log it instead of crashing.
/// </summary>
/// <param name="Type">The stored type name.</param>
/// <param name="Json">The stored data, verbatim.</param>
/// <param name="Reason">Why it could not be read, one line.</param>
public sealed record UnknownEvent(string Type, string Json, string Reason) : IEvent;
