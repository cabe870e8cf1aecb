using GitOps.Core.Desired.Loading.Reading;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Desired.Loading.Validators;
using GitOps.Core.Desired.Loading.Yaml;

namespace GitOps.Core.Desired.Loading;

/// <summary>
/// Loads a desired-state repository offline: <c>gitops.yaml</c> (optional) and
/// <c>services/*.yaml</c> / <c>services/*.yml</c> (direct children); every other file is ignored.
/// Reports every problem at once as positioned diagnostics and returns a state only when none
/// of them is an error. Never throws on any file content.
/// </summary>
public static class DesiredStateLoader
{
    public const string SettingsPath = "gitops.yaml";
    public const string ServicesFolder = "services/";

    private static readonly IRepositoryValidator[] Validators =
    [
        new DocumentKindValidator(),
        new NameValidator(),
        new PortRangeValidator(),
        new NumberRangeValidator(),
        new DurationValidator(),
        new AddressValidator(),
        new RouteValidator(),
        new UrlPathValidator(),
        new TlsValidator(),
        new HostListValidator(),
        new PlacementValidator(),
        new DuplicateServerValidator(),
        new LabelSelectorValidator(),
        new NetworkNameValidator(),
        new StickyValidator(),
        new ClientAddressValidator(),
        new StatsValidator(),
        new BackendServersValidator(),
        new VirtualAddressValidator(),
        new DuplicateServiceValidator(),
        new PortConflictValidator(),
    ];

    public static DesiredStateLoadResult Load(IReadOnlyList<RepositoryFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var diagnostics = new DiagnosticBag();
        SettingsSpec? settings = null;
        var services = new List<ServiceSpec>();
        foreach (var file in files.Where(f => IsSettingsFile(f.Path) || IsServiceFile(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (YamlFileParser.Parse(file, diagnostics) is not { } root)
            {
                continue;
            }

            var reader = new NodeReader(file.Path, diagnostics);
            if (IsSettingsFile(file.Path))
            {
                settings = SettingsSpecReader.Read(reader, root);
            }
            else if (ServiceSpecReader.Read(reader, root) is { } service)
            {
                services.Add(service);
            }
        }

        var repository = new RepositorySpec(settings, services);
        foreach (var validator in Validators)
        {
            validator.Validate(repository, diagnostics);
        }

        var state = diagnostics.HasErrors ? null : ModelBuilder.Build(repository);
        return new DesiredStateLoadResult(state, diagnostics.ToSortedList());
    }

    public static bool IsSettingsFile(string path) => path == SettingsPath;

    /// <summary>A direct child of <c>services/</c> ending in <c>.yaml</c> or <c>.yml</c>.</summary>
    public static bool IsServiceFile(string path) =>
        path.StartsWith(ServicesFolder, StringComparison.Ordinal) &&
        path.IndexOf('/', ServicesFolder.Length) < 0 &&
        (path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal));
}
