namespace GitOps.EventStore.Tests.Support;

/// <summary>One row of a <see cref="StreamCountsReadModel"/>: a stream's last event (version, position, label) and its number of events.</summary>
internal sealed record StreamCount(string Stream, long Version, GlobalPosition LastAt, long Events, string Last);
