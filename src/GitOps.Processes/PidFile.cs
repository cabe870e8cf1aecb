using System.Globalization;

namespace GitOps.Processes;

/// <summary>The pid file a supervised program (HAProxy's master, keepalived) writes once it runs.</summary>
public static class PidFile
{
    /// <summary>The pid the file names; null when it is missing, unreadable or not a number.</summary>
    public static int? Read(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }
}
