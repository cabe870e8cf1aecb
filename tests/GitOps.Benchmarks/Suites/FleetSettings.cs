using System.Globalization;
using System.Text;

namespace GitOps.Benchmarks.Suites;

/// <summary>The <c>gitops.yaml</c> of the benchmarks' fleets: hosts <c>lb1</c> … <c>lb&lt;n&gt;</c>.</summary>
internal static class FleetSettings
{
    public static string Yaml(int hosts)
    {
        var settings = new StringBuilder("apiVersion: gitops/v1\nkind: Settings\nhosts:\n");
        for (var h = 1; h <= hosts; h++)
        {
            settings.Append(CultureInfo.InvariantCulture, $"  - name: lb{h}\n");
        }

        return settings.ToString();
    }
}
