using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>One <c>services/*.yaml</c> file as written, each value with its position; validated before a <see cref="ServiceModel"/> is built.</summary>
internal sealed record ServiceSpec
{
    public required string File { get; init; }

    public required SourceLocation Location { get; init; }

    public Located<string>? ApiVersion { get; init; }

    public Located<string>? Kind { get; init; }

    public Located<string>? Name { get; init; }

    public IReadOnlyList<Located<string>> Hosts { get; init; } = [];

    public ListenSpec? Listen { get; init; }

    public IReadOnlyList<RouteSpec> Routes { get; init; } = [];

    public BackendSpec? Backend { get; init; }

    public OptionsSpec? Options { get; init; }

    /// <summary>How messages name the service: its name, or its file when the name is missing.</summary>
    public string DisplayName => Name?.Value is { Length: > 0 } name ? GitOps.Core.Validation.ConfigToken.Printable(name) : File;
}
