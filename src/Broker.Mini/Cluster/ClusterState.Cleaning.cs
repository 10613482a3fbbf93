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
        bool moved = false;
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
                    moved |= LogCleaner.Clean(replica.Log, replica.Producers, settings, stable, now).CleanableEnd >= 0;
                }
                var result = LogCleaner.Clean(p.Log, p.Producers, settings, p.LastStableOffset, now);
                moved |= result.CleanableEnd >= 0;
                if (result.SegmentsCleaned == 0) continue;
                cleaned += result.SegmentsCleaned;
                Log.LogCleaned(Logger, p.Name, result.SegmentsCleaned, result.RecordsRemoved, result.CleanableEnd);
            }
        }
        if (moved) SaveCleanerCheckpoints();
        return cleaned;
    }

    /// <summary>
    /// Writes each broker's <c>cleaner-offset-checkpoint</c> (disk mode): the cleaner checkpoint of every compacted replica
    /// it holds, so a restart resumes cleaning where it stopped instead of treating the whole log as dirty.
    /// </summary>
    public void SaveCleanerCheckpoints()
    {
        if (Options.DataDirectory is null) return;
        foreach (var broker in Brokers)
        {
            var entries = Topics.Values.Where(t => t.Config.Compact)
                .SelectMany(t => t.Partitions)
                .Where(p => p.ReplicaStates.TryGetValue(broker.Id, out var r) && r.Log.CleanerCheckpoint > 0)
                .Select(p => (p.Topic.Name, p.Index, p.ReplicaStates[broker.Id].Log.CleanerCheckpoint));
            CleanerCheckpointFile.Write(CleanerCheckpointPath(broker.Id), entries);
        }
    }

    /// <summary>Restores a replica's cleaner checkpoint from its broker's file, within the log's current bounds (Kafka resets an out-of-range one).</summary>
    private void LoadCleanerCheckpoint(string topic, int partition, int brokerId, PartitionLog log)
    {
        if (Options.DataDirectory is null) return;
        if (!_cleanerCheckpoints.TryGetValue(brokerId, out var saved))
            _cleanerCheckpoints[brokerId] = saved = CleanerCheckpointFile.Read(CleanerCheckpointPath(brokerId));
        if (saved.TryGetValue((topic, partition), out long offset) && offset >= log.LogStartOffset && offset <= log.LogEndOffset)
            log.CleanerCheckpoint = offset;
    }

    private readonly Dictionary<int, Dictionary<(string Topic, int Partition), long>> _cleanerCheckpoints = new();

    private string CleanerCheckpointPath(int brokerId) =>
        Path.Combine(Options.DataDirectory!, $"broker-{brokerId}", CleanerCheckpointFile.FileName);

    /// <summary>Whether the background cleaner runs (<c>log.cleaner.enable</c>).</summary>
    public bool CleanerEnabled => BrokerBool(BrokerConfigs.LogCleanerEnable);
}
