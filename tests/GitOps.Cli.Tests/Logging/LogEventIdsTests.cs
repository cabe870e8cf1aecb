using System.Reflection;
using GitOps.Cli;
using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;
using Xunit;

namespace GitOps.Cli.Tests.Logging;

/// <summary>
/// Every [LoggerMessage] of every GitOps assembly (the CLI references them all), checked against the one registry of
/// ranges: ids unique across the solution, each inside the range of its class's area, no two areas overlapping.
/// </summary>
public sealed class LogEventIdsTests
{
    // GitOps.Cli's assembly is named after the program.
    private static readonly string[] ProductAssemblies =
        ["GitOps.Core", "GitOps.Docker", "GitOps.EventStore", "GitOps.Git", "GitOps.HAProxy", "GitOps.Keepalived", "GitOps.Processes", "GitOps.Reconciler", "GitOps.Web", "gitops"];

    [Fact]
    public void LoggerMessages_FoundInEveryProductAssembly()
    {
        Assert.Equal(ProductAssemblies, ProductAssembliesLoaded().Select(a => a.GetName().Name));
        Assert.True(LoggerMessages().Count >= 60, $"only {LoggerMessages().Count} [LoggerMessage] methods found: the scan misses some");
    }

    [Fact]
    public void LoggerMessageIds_AreUniqueAcrossTheSolution()
    {
        var clashes = LoggerMessages()
            .GroupBy(m => m.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}")
            .ToList();

        Assert.True(clashes.Count == 0, "log event ids used twice (take the next free id of the area in LogEventIds):\n" + string.Join('\n', clashes));
    }

    [Fact]
    public void LoggerMessageIds_LieInTheRangeOfTheirClassesArea()
    {
        var areas = Areas();
        var problems = new List<string>();
        foreach (var message in LoggerMessages())
        {
            if (message.Type.GetCustomAttribute<LogEventAreaAttribute>() is not { } area)
            {
                problems.Add($"{message.Name}: its class has no [LogEventArea(LogEventIds.…)]");
            }
            else if (!areas.ContainsValue(area.First))
            {
                problems.Add($"{message.Name}: area {area.First} is not a base in LogEventIds");
            }
            else if (message.Id <= area.First || message.Id >= area.First + LogEventIds.RangeSize)
            {
                problems.Add($"{message.Name}: id {message.Id} is outside its area {area.First + 1}–{area.First + LogEventIds.RangeSize - 1}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Areas_DoNotOverlap()
    {
        var bases = Areas().OrderBy(a => a.Value).ToList();

        Assert.NotEmpty(bases);
        Assert.All(bases, a => Assert.True(a.Value > 0 && a.Value % LogEventIds.RangeSize == 0, $"{a.Key} = {a.Value} is not a positive multiple of {LogEventIds.RangeSize}"));
        Assert.Equal(bases.Count, bases.Select(a => a.Value).Distinct().Count());
    }

    [Fact]
    public void LogClasses_EachTakeOneAreaOfTheirOwn()
    {
        var owners = LoggerMessages()
            .Select(m => m.Type)
            .Distinct()
            .Where(t => t.GetCustomAttribute<LogEventAreaAttribute>() is not null)
            .GroupBy(t => t.GetCustomAttribute<LogEventAreaAttribute>()!.First)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => t.FullName))}")
            .ToList();

        Assert.True(owners.Count == 0, "areas shared by two log classes:\n" + string.Join('\n', owners));
    }

    private static Dictionary<string, int> Areas() =>
        typeof(LogEventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(LogEventIds.RangeSize))
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    private static List<Assembly> ProductAssembliesLoaded()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(CliApp).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("GitOps.", StringComparison.Ordinal)))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return [.. found.Values.OrderBy(a => a.GetName().Name, StringComparer.Ordinal)];
    }

    private static List<LoggerMessageInfo> LoggerMessages() =>
        ProductAssembliesLoaded()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => new LoggerMessageInfo(m.Method.DeclaringType!, $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId))
            .ToList();

    private sealed record LoggerMessageInfo(Type Type, string Name, int Id);
}
