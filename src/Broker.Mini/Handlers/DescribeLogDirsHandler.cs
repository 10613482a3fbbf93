using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>DescribeLogDirs (35): the one log directory of the broker and the sizes of the replicas it hosts.</summary>
internal sealed class DescribeLogDirsHandler : RequestHandler<DescribeLogDirsRequest>
{
    public override ApiKey Key => ApiKey.DescribeLogDirs;

    protected override IKafkaApiMessage? Handle(RequestContext context, DescribeLogDirsRequest request)
    {
        var cluster = context.Cluster;
        int brokerId = context.Broker.Id;
        lock (cluster.Sync)
        {
            string dir = cluster.Options.DataDirectory is { } root ? Path.Combine(root, $"broker-{brokerId}") : $"memory://broker-{brokerId}";
            var result = new DescribeLogDirsResponse.DescribeLogDirsResult { LogDir = dir };
            var wanted = request.Topics?.ToDictionary(t => t.Topic, t => t.Partitions.ToHashSet(), StringComparer.Ordinal);
            foreach (var topic in cluster.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                HashSet<int>? only = null;
                if (wanted is not null && !wanted.TryGetValue(topic.Name, out only)) continue;
                var entry = new DescribeLogDirsResponse.DescribeLogDirsTopic { Name = topic.Name };
                foreach (var p in topic.Partitions.Where(p => p.Replicas.Contains(brokerId) && (only is null || only.Contains(p.Index))))
                    entry.Partitions.Add(new DescribeLogDirsResponse.DescribeLogDirsPartition { PartitionIndex = p.Index, PartitionSize = p.ReplicaStates[brokerId].Log.SizeInBytes, OffsetLag = Math.Max(0, p.Log.LogEndOffset - p.ReplicaStates[brokerId].Log.LogEndOffset) });
                if (entry.Partitions.Count > 0) result.Topics.Add(entry);
            }
            if (cluster.Options.DataDirectory is { } path && Directory.Exists(path))
            {
                var drive = new DriveInfo(Path.GetFullPath(path));
                result.TotalBytes = drive.TotalSize;
                result.UsableBytes = drive.AvailableFreeSpace;
            }
            return new DescribeLogDirsResponse { Results = { result } };
        }
    }
}
