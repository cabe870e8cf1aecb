namespace GitOps.Web;

/// <summary>The dashboard could not start; the message is one line naming the address and the reason.</summary>
public sealed class DashboardException(string message, Exception? innerException = null) : Exception(message, innerException);
