using System.Text.RegularExpressions;
using Samsa.Client;

namespace Samsa.Consumer.Groups;

/// <summary>Resolves a subscription to topic names: the list as given, or the pattern matched client-side against all non-internal topics.</summary>
internal static class SubscriptionTopics
{
    public static async Task<List<string>> ResolveAsync(KafkaCluster cluster, List<string>? topics, Regex? pattern, CancellationToken token)
    {
        if (pattern is null)
        {
            var list = topics ?? [];
            if (list.Count > 0) await cluster.RefreshMetadataAsync(list, token).ConfigureAwait(false);
            return list;
        }
        var all = await cluster.RefreshAllTopicsAsync(token).ConfigureAwait(false);
        return all.Topics.Values.Where(t => !t.IsInternal && pattern.IsMatch(t.Name)).Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }
}
