using Samsa.Protocol.Primitives;
using Samsa.Broker.Mini.Coordinators;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>Shared setup for coordinator tests: small offsets topic, no initial rebalance delay, and broker-side group probes.</summary>
internal static class GroupKit
{
    /// <summary>Generous guard for waits that only fail when something hangs.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    public static MiniClusterOptions Options(int brokers = 1, string? dataDirectory = null, int initialDelayMs = 0) => new()
    {
        Brokers = brokers,
        DataDirectory = dataDirectory,
        LoggerFactory = Environment.GetEnvironmentVariable("SAMSA_COORD_LOG") == "1" ? new Samsa.Broker.Mini.Host.ConsoleLoggerFactory(Microsoft.Extensions.Logging.LogLevel.Warning) : null,
        BrokerConfigs =
        {
            ["offsets.topic.num.partitions"] = "5",
            ["group.initial.rebalance.delay.ms"] = initialDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    /// <summary>A broker-side snapshot of a classic group: state, generation and each member's assigned partitions.</summary>
    public sealed record Snapshot(string State, int Generation, Dictionary<string, List<(string Topic, int Partition)>> Assignments)
    {
        /// <summary>Stable, with <paramref name="members"/> members that together own each of the topic's partitions exactly once.</summary>
        public bool IsBalancedCover(int members, string topic, int partitions)
        {
            if (State != "Stable" || Assignments.Count != members) return false;
            var all = Assignments.Values.SelectMany(a => a).Where(tp => tp.Topic == topic).Select(tp => tp.Partition).ToList();
            if (all.Count != partitions || all.Distinct().Count() != partitions) return false;
            int min = partitions / members;
            return Assignments.Values.All(a => a.Count >= min && a.Count <= min + (partitions % members == 0 ? 0 : 1));
        }
    }

    public static Snapshot Probe(MiniCluster cluster, string groupId)
    {
        lock (cluster.State.Sync)
        {
            var group = cluster.State.GroupCoordinator.Find(groupId);
            if (group is null) return new Snapshot("Dead", -1, new());
            var assignments = new Dictionary<string, List<(string, int)>>();
            foreach (var m in group.Members.Values)
            {
                var list = new List<(string, int)>();
                try
                {
                    var reader = new KafkaReader(m.Assignment.AsMemory());
                    short version = reader.ReadInt16();
                    var a = new ConsumerProtocolAssignment();
                    a.Read(ref reader, Math.Min(version, ConsumerProtocolAssignment.HighestSupportedVersion));
                    foreach (var tp in a.AssignedPartitions) list.AddRange(tp.Partitions.Select(p => (tp.Topic, p)));
                }
                catch (KafkaProtocolException)
                {
                    // Raw-protocol tests hand out opaque assignments (or none); they decode to no partitions.
                }
                assignments[m.MemberId] = list;
            }
            return new Snapshot(group.StateName, group.Generation, assignments);
        }
    }

    /// <summary>Waits (polling the broker's state; no timing assertion) until <paramref name="condition"/> holds, or fails after the guard.</summary>
    public static async Task<Snapshot> WaitForAsync(MiniCluster cluster, string groupId, Func<Snapshot, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        Snapshot last;
        while (true)
        {
            last = Probe(cluster, groupId);
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out waiting for {what}; last state {last.State} gen {last.Generation}: " +
                    string.Join("; ", last.Assignments.Select(a => $"{a.Key}=[{string.Join(",", a.Value.Select(v => v.Item2))}]")));
            await Task.Delay(100);
        }
    }

    public static CommittedOffset? Committed(MiniCluster cluster, string groupId, string topic, int partition)
    {
        lock (cluster.State.Sync) return cluster.State.GroupCoordinator.Find(groupId)?.Offsets.GetValueOrDefault((topic, partition));
    }
}
