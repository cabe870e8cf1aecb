namespace GitOps.Core.Desired;

public enum StickyMode
{
    Source,
    Cookie,
}
