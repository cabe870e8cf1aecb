namespace GitOps.Core.Text;

public enum DiffKind
{
    Same,
    Added,
    Removed,
}
