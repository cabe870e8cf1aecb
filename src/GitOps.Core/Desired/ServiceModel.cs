using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>One validated service from <c>services/&lt;name&gt;.yaml</c>.</summary>
public sealed record ServiceModel
{
    public required string Name { get; init; }

    /// <summary>Repository-relative path of the file that declared it, for messages.</summary>
    public required string SourceFile { get; init; }

    /// <summary>Placement; empty means every host.</summary>
    public ValueList<string> Hosts { get; init; } = ValueList<string>.Empty;

    public required ListenModel Listen { get; init; }

    /// <summary>Http routing rules; empty on an http service means it takes every request on its port that no other service's route takes.</summary>
    public ValueList<RouteModel> Routes { get; init; } = ValueList<RouteModel>.Empty;

    public required BackendModel Backend { get; init; }

    /// <summary>Options resolved against <see cref="DefaultsModel"/>.</summary>
    public required ServiceOptions Options { get; init; }
}
