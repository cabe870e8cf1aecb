using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Effective;
using GitOps.HAProxy.Rendering;

namespace GitOps.Cli.Offline;

/// <summary>One host's rendered HAProxy configuration and the diagnostics found while building it.</summary>
internal sealed record RenderedHost(string Host, string Config, ValueList<Diagnostic> Diagnostics)
{
    /// <summary>Renders every host of <paramref name="state"/> (or only <paramref name="onlyHost"/>) against one discovery snapshot.</summary>
    public static IReadOnlyList<RenderedHost> RenderAll(DesiredState state, string? onlyHost, IReadOnlyList<ObservedContainer> containers)
    {
        var hosts = state.Settings.Hosts.Select(h => h.Name).Where(h => onlyHost is null || h == onlyHost);
        return hosts.Select(host =>
        {
            var effective = EffectiveModelBuilder.Build(state, host, containers);
            return new RenderedHost(host, HAProxyConfigRenderer.Render(effective, RenderOptions.Default), effective.Diagnostics);
        }).ToList();
    }
}
