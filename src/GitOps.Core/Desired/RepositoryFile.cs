namespace GitOps.Core.Desired;

/// <summary>One file of a desired-state repository: its repository-relative path (forward slashes) and text.</summary>
public sealed record RepositoryFile(string Path, string Content);
