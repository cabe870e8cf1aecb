namespace GitOps.EventStore;

/// <summary>One stream's part of <see cref="MartenEventStore.AppendManyAsync"/>: its events, if the stream is at <paramref name="Expected"/>.</summary>
public sealed record StreamAppend(string Stream, ExpectedVersion Expected, IReadOnlyList<NewEvent> Events);
