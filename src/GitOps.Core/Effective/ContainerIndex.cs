using GitOps.Core.Collections;
using GitOps.Core.Discovery;

namespace GitOps.Core.Effective;

/// <summary>Routable containers indexed by label pair, so matching 1,000 selectors against 20,000 containers stays linear.</summary>
internal sealed class ContainerIndex
{
    private readonly Dictionary<(string Key, string Value), List<ObservedContainer>> _byLabel = [];

    public ContainerIndex(IEnumerable<ObservedContainer> containers)
    {
        foreach (var container in containers)
        {
            foreach (var label in container.Labels)
            {
                if (!_byLabel.TryGetValue((label.Key, label.Value), out var list))
                {
                    _byLabel[(label.Key, label.Value)] = list = [];
                }

                list.Add(container);
            }
        }
    }

    /// <summary>Containers matching every pair of <paramref name="selector"/>, in the index's (name) order.</summary>
    public IEnumerable<ObservedContainer> Matching(ValueMap selector)
    {
        if (selector.Count == 0)
        {
            return [];
        }

        var first = selector.First();
        return _byLabel.TryGetValue((first.Key, first.Value), out var candidates)
            ? candidates.Where(c => LabelConventions.Matches(selector, c.Labels))
            : [];
    }
}
