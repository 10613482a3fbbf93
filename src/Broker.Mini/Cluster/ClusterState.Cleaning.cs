using System.Globalization;
using Samsa.Broker.Mini.Configs;
using Samsa.Broker.Mini.Storage;

namespace Samsa.Broker.Mini.Cluster;

internal sealed partial class ClusterState
{
    /// <summary>Runs the log cleaner over every partition of every compacted topic (see <see cref="LogCleaner"/>).</summary>
    public int CleanLogs()
    {
        long now = NowMs;
        int cleaned = 0;
        foreach (var topic in Topics.Values)
        {
            if (!topic.Config.Compact) continue;
            var settings = new CleanerSettings(
                double.Parse(TopicConfigValue(topic, "min.cleanable.dirty.ratio").Value!, CultureInfo.InvariantCulture),
                long.Parse(TopicConfigValue(topic, "min.compaction.lag.ms").Value!, CultureInfo.InvariantCulture),
                long.Parse(TopicConfigValue(topic, "max.compaction.lag.ms").Value!, CultureInfo.InvariantCulture),
                topic.Config.DeleteRetentionMs);
            foreach (var p in topic.Partitions)
            {
                // Every replica cleans its own log, as each Kafka broker does; the count reports the leader's.
                foreach (var replica in p.ReplicaStates.Values)
                {
                    if (replica == p.LeaderReplica) continue;
                    long stable = Math.Min(replica.Producers.FirstUnstableOffset ?? long.MaxValue, p.HighWatermark);
                    LogCleaner.Clean(replica.Log, replica.Producers, settings, stable, now);
                }
                var result = LogCleaner.Clean(p.Log, p.Producers, settings, p.LastStableOffset, now);
                if (result.SegmentsCleaned == 0) continue;
                cleaned += result.SegmentsCleaned;
                Log.LogCleaned(Logger, p.Name, result.SegmentsCleaned, result.RecordsRemoved, result.CleanableEnd);
            }
        }
        return cleaned;
    }

    /// <summary>Whether the background cleaner runs (<c>log.cleaner.enable</c>).</summary>
    public bool CleanerEnabled => BrokerBool(BrokerConfigs.LogCleanerEnable);
}
