using System.Globalization;
using Microsoft.Extensions.Logging;
using Samsa.Admin;
using Samsa.Protocol;
using Samsa.Streams.Internals;

namespace Samsa.Streams.Runtime;

/// <summary>
/// Resolves the topology against the cluster and creates its internal topics before any thread starts, as Kafka
/// Streams' <c>InternalTopicManager</c>: repartition topics (<c>cleanup.policy=delete</c>, <c>retention.ms=-1</c>,
/// partition count from the model or the largest upstream source) and changelogs
/// <c>&lt;application.id&gt;-&lt;store&gt;-changelog</c> (compacted, one partition per task, plus the store's configs).
/// Existing internal topics are kept when their partition count matches and are an error otherwise.
/// </summary>
internal sealed class InternalTopicManager(AdminClient admin, StreamsConfig config, ILogger logger)
{
    public async Task<TopologyMetadata> PrepareAsync(ITopologyModel model, CancellationToken cancellationToken)
    {
        string app = config.ApplicationId;
        var allTopics = (await admin.ListTopicsAsync(false, cancellationToken).ConfigureAwait(false)).Select(t => t.Name).ToList();
        var userTopics = new HashSet<string>(StringComparer.Ordinal);
        var patternMatches = new Dictionary<int, List<string>>();
        foreach (var sub in model.Subtopologies)
        {
            userTopics.UnionWith(sub.SourceTopics);
            if (sub.SourcePattern is { } pattern)
            {
                var matched = allTopics.Where(t => pattern.IsMatch(t) && !t.StartsWith(app + "-", StringComparison.Ordinal)).ToList();
                patternMatches[sub.Id] = matched;
                userTopics.UnionWith(matched);
            }
        }
        foreach (var global in model.GlobalStores) userTopics.Add(global.SourceTopic);
        foreach (var repartition in model.RepartitionTopics)
            foreach (var upstream in repartition.UpstreamSourceTopics)
                if (!model.RepartitionTopics.Any(r => r.Name == upstream)) userTopics.Add(upstream);

        var counts = await DescribeAsync(userTopics, cancellationToken).ConfigureAwait(false);
        var missing = userTopics.Where(t => !counts.ContainsKey(t)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new StreamsException($"Source topic(s) {string.Join(", ", missing)} do not exist; create them before starting the application.");

        // Repartition topics: explicit counts, else the largest upstream count (upstreams may be repartition topics too).
        var repartitionCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (bool progress = true; progress;)
        {
            progress = false;
            foreach (var topic in model.RepartitionTopics)
            {
                if (repartitionCounts.ContainsKey(topic.Name)) continue;
                int? count = topic.Partitions;
                if (count is null)
                {
                    var upstream = topic.UpstreamSourceTopics.Select(u => repartitionCounts.TryGetValue(u, out int r) ? r : counts.TryGetValue(u, out int c) ? c : (int?)null).ToList();
                    if (upstream.Count > 0 && upstream.All(u => u is not null)) count = upstream.Max();
                }
                if (count is { } resolved)
                {
                    repartitionCounts[topic.Name] = resolved;
                    progress = true;
                }
            }
        }
        var unresolved = model.RepartitionTopics.Where(r => !repartitionCounts.ContainsKey(r.Name)).Select(r => r.Name).ToList();
        if (unresolved.Count > 0)
            throw new StreamsException($"Cannot decide the partition count of repartition topic(s) {string.Join(", ", unresolved)}: no upstream source topic with a known partition count.");
        foreach (var (name, count) in repartitionCounts) counts[TopologyMetadata.Prefixed(app, name)] = count;

        var sources = new Dictionary<int, IReadOnlyList<string>>();
        var taskCounts = new Dictionary<int, int>();
        foreach (var sub in model.Subtopologies)
        {
            var topics = sub.SourceTopics
                .Concat(patternMatches.GetValueOrDefault(sub.Id) ?? [])
                .Concat(sub.RepartitionSourceTopics.Select(r => TopologyMetadata.Prefixed(app, r)))
                .Distinct(StringComparer.Ordinal).ToList();
            sources[sub.Id] = topics;
            var distinct = topics.Select(t => counts[t]).Distinct().ToList();
            if (distinct.Count > 1) throw TopologyMetadata.CoPartitionError(sub.Id, topics, counts);
            taskCounts[sub.Id] = distinct.Count == 1 ? distinct[0] : 0;
        }

        var toCreate = new List<NewTopic>();
        foreach (var topic in model.RepartitionTopics)
        {
            toCreate.Add(new NewTopic(TopologyMetadata.Prefixed(app, topic.Name), repartitionCounts[topic.Name], config.ReplicationFactor)
            {
                Configs = new Dictionary<string, string?>
                {
                    ["cleanup.policy"] = "delete",
                    ["retention.ms"] = "-1",
                    ["segment.bytes"] = "52428800",
                    ["message.timestamp.type"] = "CreateTime",
                },
            });
        }
        foreach (var sub in model.Subtopologies)
        {
            foreach (var store in sub.Stores)
            {
                if (!store.LoggingEnabled || store.SourceTopicAsChangelog is not null) continue;
                var configs = new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["message.timestamp.type"] = "CreateTime" };
                foreach (var (key, value) in store.ChangelogConfig) configs[key] = value;
                toCreate.Add(new NewTopic(TopologyMetadata.ChangelogTopic(app, store.Name), taskCounts[sub.Id], config.ReplicationFactor) { Configs = configs });
            }
        }
        await CreateAsync(toCreate, cancellationToken).ConfigureAwait(false);
        return new TopologyMetadata(model, app, sources, taskCounts);
    }

    private async Task<Dictionary<string, int>> DescribeAsync(IEnumerable<string> topics, CancellationToken cancellationToken)
    {
        var names = topics.ToList();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (names.Count == 0) return counts;
        var described = await admin.DescribeTopicsAsync(names, false, cancellationToken).ConfigureAwait(false);
        foreach (var item in described)
            if (item.IsSuccess && item.Value.Partitions.Count > 0) counts[item.Key] = item.Value.Partitions.Count;
        return counts;
    }

    private async Task CreateAsync(List<NewTopic> topics, CancellationToken cancellationToken)
    {
        if (topics.Count == 0) return;
        var created = await admin.CreateTopicsAsync(topics, false, cancellationToken).ConfigureAwait(false);
        var existing = new List<NewTopic>();
        foreach (var topic in topics)
        {
            var result = created[topic.Name];
            if (result.IsSuccess)
            {
                Log.InternalTopicCreated(logger, topic.Name, topic.NumPartitions);
                continue;
            }
            if (result.Error!.Code != ErrorCode.TopicAlreadyExists)
                throw new StreamsException($"Could not create internal topic '{topic.Name}': {result.Error}.");
            existing.Add(topic);
        }
        if (existing.Count == 0) return;
        var counts = await DescribeAsync(existing.Select(t => t.Name), cancellationToken).ConfigureAwait(false);
        foreach (var topic in existing)
        {
            if (counts.TryGetValue(topic.Name, out int count) && count != topic.NumPartitions)
                throw new StreamsException(string.Create(CultureInfo.InvariantCulture,
                    $"Internal topic '{topic.Name}' exists with {count} partition(s) but the topology needs {topic.NumPartitions}; delete it (or reset the application) first."));
        }
    }
}
