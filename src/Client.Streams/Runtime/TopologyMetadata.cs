using Samsa.Streams.Internals;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Runtime;

/// <summary>
/// The topology resolved against the cluster: every subtopology's physical source topics (user topics, matched
/// patterns and prefixed repartition topics) and its task count. Task <c>s_p</c> reads partition <c>p</c> of every
/// source topic of subtopology <c>s</c>, so each input partition belongs to exactly one task.
/// </summary>
internal sealed class TopologyMetadata
{
    private readonly Dictionary<string, int> _topicToSubtopology = new(StringComparer.Ordinal);

    public TopologyMetadata(ITopologyModel model, string applicationId, IReadOnlyDictionary<int, IReadOnlyList<string>> sources, IReadOnlyDictionary<int, int> taskCounts)
    {
        Model = model;
        ApplicationId = applicationId;
        Sources = sources;
        TaskCounts = taskCounts;
        foreach (var (sub, topics) in sources)
        {
            foreach (var topic in topics)
            {
                if (!_topicToSubtopology.TryAdd(topic, sub) && _topicToSubtopology[topic] != sub)
                    throw new StreamsException($"Topic '{topic}' is a source of subtopologies {_topicToSubtopology[topic]} and {sub}; a topic may feed only one subtopology.");
            }
        }
    }

    public ITopologyModel Model { get; }

    public string ApplicationId { get; }

    /// <summary>Physical source topics per subtopology id.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> Sources { get; }

    /// <summary>Task count (partition count of the source topics) per subtopology id.</summary>
    public IReadOnlyDictionary<int, int> TaskCounts { get; }

    /// <summary>Every topic the main consumers subscribe to.</summary>
    public IReadOnlyList<string> AllSourceTopics => [.. _topicToSubtopology.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every task of the topology, in id order.</summary>
    public IEnumerable<TaskId> AllTasks =>
        TaskCounts.OrderBy(kv => kv.Key).SelectMany(kv => Enumerable.Range(0, kv.Value).Select(p => new TaskId(kv.Key, p)));

    /// <summary>The prefixed name of an internal topic.</summary>
    public static string Prefixed(string applicationId, string logicalName) => $"{applicationId}-{logicalName}";

    /// <summary><c>&lt;application.id&gt;-&lt;store&gt;-changelog</c>.</summary>
    public static string ChangelogTopic(string applicationId, string storeName) => $"{applicationId}-{storeName}-changelog";

    /// <summary>True for the repartition topics this application created (their consumed data is purged after commits).</summary>
    public bool IsRepartitionTopic(string topic) =>
        Model.RepartitionTopics.Any(r => string.Equals(Prefixed(ApplicationId, r.Name), topic, StringComparison.Ordinal));

    /// <summary>The task that owns an input partition, if the topic is a source.</summary>
    public bool TryGetTask(TopicPartition partition, out TaskId task)
    {
        if (_topicToSubtopology.TryGetValue(partition.Topic, out int sub))
        {
            task = new TaskId(sub, partition.Partition);
            return true;
        }
        task = default;
        return false;
    }

    /// <summary>The input partitions of a task.</summary>
    public IEnumerable<TopicPartition> PartitionsOf(TaskId task) =>
        Sources.TryGetValue(task.Subtopology, out var topics) ? topics.Select(t => new TopicPartition(t, task.Partition)) : [];

    /// <summary>
    /// Tasks per subtopology as the group leader sees the cluster: a subtopology whose source topics disagree on
    /// their partition count is a co-partitioning error; one with a missing source topic has no tasks yet.
    /// </summary>
    public Dictionary<int, int> TaskCountsFrom(IReadOnlyDictionary<string, int> partitionsPerTopic)
    {
        var counts = new Dictionary<int, int>();
        foreach (var (sub, topics) in Sources)
        {
            int? count = null;
            bool complete = true;
            foreach (var topic in topics)
            {
                if (!partitionsPerTopic.TryGetValue(topic, out int n))
                {
                    complete = false;
                    break;
                }
                if (count is { } c && c != n) throw CoPartitionError(sub, topics, partitionsPerTopic);
                count = n;
            }
            if (complete && count is { } total) counts[sub] = total;
        }
        return counts;
    }

    public static StreamsException CoPartitionError(int subtopology, IEnumerable<string> topics, IReadOnlyDictionary<string, int> counts) =>
        new($"Subtopology {subtopology} reads co-partitioned topics with different partition counts: " +
            string.Join(", ", topics.Select(t => $"{t} ({(counts.TryGetValue(t, out int n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missing")})")) +
            ". Every source topic of a subtopology (for example both sides of a join) must have the same number of partitions.");
}
