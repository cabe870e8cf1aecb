namespace GitOps.Core.Desired;

public enum ListenMode
{
    Http,
    Tcp,
}
