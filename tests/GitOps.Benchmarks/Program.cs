using System.Reflection;
using GitOps.Benchmarks;

// Usage: dotnet run -c Release --project tests/GitOps.Benchmarks -- <suite> [<suite> …]
var suites = typeof(IBenchmarkSuite).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchmarkSuite).IsAssignableFrom(t))
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t, nonPublic: true)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToDictionary(s => s.Name, StringComparer.Ordinal);

if (args.Length == 0 || args.Any(a => a is "-h" or "--help" || !suites.ContainsKey(a)))
{
    var unknown = args.Where(a => a is not ("-h" or "--help") && !suites.ContainsKey(a)).ToList();
    var writer = unknown.Count > 0 ? Console.Error : Console.Out;
    if (unknown.Count > 0)
    {
        writer.WriteLine($"unknown suite: {string.Join(", ", unknown)}");
    }

    writer.WriteLine("usage: dotnet run -c Release --project tests/GitOps.Benchmarks -- <suite> [<suite> …]");
    writer.WriteLine("Prints one 'name: value unit' line per figure. Suites:");
    foreach (var suite in suites.Values)
    {
        writer.WriteLine($"  {suite.Name,-12} {suite.Description}");
    }

    return args.Length == 0 || unknown.Count > 0 ? 2 : 0;
}

var report = new BenchmarkReport(Console.Out);
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
foreach (var name in args)
{
    await suites[name].RunAsync(report, cancellation.Token);
}

return 0;
