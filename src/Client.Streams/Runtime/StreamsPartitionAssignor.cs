using System.Buffers.Binary;
using Samsa.Consumer.Assignors;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Runtime;

/// <summary>
/// The group assignor of a Kafka Streams application (protocol name <c>stream</c>): it hands out whole tasks, so task
/// <c>s_p</c> becomes partition <c>p</c> of every source topic of subtopology <c>s</c> on one member. Tasks are
/// balanced across members (counts differ by at most one) and stay with their previous owner when that keeps the
/// balance. Members report their owned partitions (cooperative protocol), from which previous tasks are derived;
/// source topics with different partition counts in one subtopology fail the assignment with a clear error.
/// Subscription user data: version (int32 = 1) and process id (16 bytes).
/// </summary>
internal sealed class StreamsPartitionAssignor(TopologyMetadata topology, Guid processId) : IConsumerPartitionAssignor
{
    public string Name => "stream";

    public IReadOnlyList<RebalanceProtocol> SupportedProtocols { get; } = [RebalanceProtocol.Cooperative, RebalanceProtocol.Eager];

    public byte[]? SubscriptionUserData(IReadOnlyCollection<string> topics, IReadOnlyCollection<TopicPartition> ownedPartitions, int generation)
    {
        var data = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(data, 1);
        processId.TryWriteBytes(data.AsSpan(4));
        return data;
    }

    public IReadOnlyDictionary<string, List<TopicPartition>> Assign(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> members)
    {
        var result = members.Keys.ToDictionary(m => m, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        var taskCounts = topology.TaskCountsFrom(partitionsPerTopic);
        var tasks = taskCounts.OrderBy(kv => kv.Key).SelectMany(kv => Enumerable.Range(0, kv.Value).Select(p => new TaskId(kv.Key, p))).ToList();
        var previous = new Dictionary<string, HashSet<TaskId>>(StringComparer.Ordinal);
        foreach (var member in members.Values)
        {
            var owned = new HashSet<TaskId>();
            foreach (var tp in member.OwnedPartitions ?? [])
                if (topology.TryGetTask(tp, out var task)) owned.Add(task);
            previous[member.MemberId] = owned;
        }
        var byTask = Balance(tasks, [.. members.Keys.Order(StringComparer.Ordinal)], previous);
        foreach (var (member, assigned) in byTask)
            foreach (var task in assigned)
                result[member].AddRange(topology.PartitionsOf(task).Where(tp => partitionsPerTopic.ContainsKey(tp.Topic)));
        return result;
    }

    /// <summary>
    /// Sticky, balanced task placement: each member keeps its previous tasks up to its quota (the first
    /// <c>tasks % members</c> members in order may hold one more), the rest go to the least-loaded members.
    /// Deterministic for a given input.
    /// </summary>
    internal static Dictionary<string, List<TaskId>> Balance(IReadOnlyList<TaskId> tasks, IReadOnlyList<string> members, IReadOnlyDictionary<string, HashSet<TaskId>> previous)
    {
        var result = members.ToDictionary(m => m, _ => new List<TaskId>(), StringComparer.Ordinal);
        if (members.Count == 0) return result;
        int floor = tasks.Count / members.Count, extra = tasks.Count % members.Count;
        var unassigned = new List<TaskId>();
        var claimed = new HashSet<TaskId>();
        // Pass 1: every member keeps up to `floor` of its previous tasks; pass 2: up to `floor + 1` while extra slots remain.
        foreach (var task in tasks)
        {
            var owner = members.FirstOrDefault(m => previous.TryGetValue(m, out var owned) && owned.Contains(task) && result[m].Count < floor);
            if (owner is not null)
            {
                result[owner].Add(task);
                claimed.Add(task);
            }
        }
        foreach (var task in tasks)
        {
            if (claimed.Contains(task)) continue;
            var owner = extra > 0 ? members.FirstOrDefault(m => previous.TryGetValue(m, out var owned) && owned.Contains(task) && result[m].Count == floor) : null;
            if (owner is not null)
            {
                result[owner].Add(task);
                claimed.Add(task);
                extra--;
            }
            else unassigned.Add(task);
        }
        foreach (var task in unassigned)
        {
            var target = members.Where(m => result[m].Count < floor || (result[m].Count == floor && extra > 0)).MinBy(m => result[m].Count)!;
            if (result[target].Count == floor) extra--;
            result[target].Add(task);
        }
        foreach (var list in result.Values) list.Sort((a, b) => a.Subtopology != b.Subtopology ? a.Subtopology.CompareTo(b.Subtopology) : a.Partition.CompareTo(b.Partition));
        return result;
    }
}
