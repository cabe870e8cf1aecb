namespace GitOps.Core.Hosts;

/// <summary>What an agent found at a path on its host's disk.</summary>
public enum HostFileState
{
    /// <summary>A file that could be read to the end.</summary>
    Present,

    /// <summary>Nothing at the path (or a directory on the way is missing).</summary>
    Missing,

    /// <summary>Something is there but cannot be read (permissions, a directory, an I/O error).</summary>
    Unreadable,
}
