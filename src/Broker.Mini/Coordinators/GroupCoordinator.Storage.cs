using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Coordinators;

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// Appends records for <paramref name="groupId"/> to its offsets partition, as its coordinator would; the request
    /// that caused it is answered once the write is replicated (<see cref="ClusterState.AppendCoordinatorRecords"/>).
    /// </summary>
    public CoordinatorWrite? Append(string groupId, IEnumerable<(byte[] Key, byte[]? Value)> records)
    {
        var list = records.ToList();
        if (list.Count == 0) return null;
        var partition = PartitionOf(groupId);
        long now = NowMs;
        byte[] batch = OffsetStore.Batch(list, now);
        var write = _cluster.AppendCoordinatorRecords(partition, batch, now);
        _cluster.SignalDataArrived();
        return write;
    }

    /// <summary>Writes a group's metadata record (after a generation change).</summary>
    public CoordinatorWrite? PersistGroup(Group group) =>
        Append(group.Id, [(OffsetStore.GroupKey(group.Id), OffsetStore.GroupValue(group, NowMs))]);

    /// <summary>Replays <c>__consumer_offsets</c> (recovered from the data directory) into groups and offsets.</summary>
    private void Load()
    {
        int offsets = 0;
        if (_cluster.Topics.TryGetValue(OffsetsTopicName, out var topic))
        {
            foreach (var partition in topic.Partitions)
            {
                foreach (var batch in partition.Log.BatchesFrom(partition.Log.LogStartOffset))
                {
                    using var reader = new RecordBatchReader(batch, verifyCrc: false);
                    while (reader.MoveNextBatch())
                    {
                        var header = reader.Header;
                        if (header.IsControl)
                        {
                            foreach (var record in reader.GetRecords())
                            {
                                var type = ControlRecord.ReadType(record.Key.Span);
                                if (type is ControlRecordType.Commit or ControlRecordType.Abort)
                                    CompleteTransaction(header.ProducerId, partition.Index, type == ControlRecordType.Commit);
                            }
                            continue;
                        }
                        foreach (var record in reader.GetRecords())
                        {
                            if (record.IsKeyNull) continue;
                            if (OffsetStore.Decode(record.Key.Span, record.Value.Span, record.IsValueNull) is not { } e) continue;
                            if (header.IsTransactional && e.Topic is { } topicName && e.Offset is { } pending)
                                PendingFor(GetOrCreate(e.Group), header.ProducerId)[(topicName, e.Partition)] = pending;
                            else Apply(e);
                        }
                    }
                }
            }
            offsets = _groups.Values.Sum(g => g.Offsets.Count);
        }
        CoordinatorLog.Loaded(Logger, _groups.Count, offsets);
        ArmRetention();
    }

    private void Apply(OffsetStore.Entry e)
    {
        if (e.Topic is { } t)
        {
            if (e.IsTombstone)
            {
                if (_groups.TryGetValue(e.Group, out var g)) g.Offsets.Remove((t, e.Partition));
                return;
            }
            GetOrCreate(e.Group).Offsets[(t, e.Partition)] = e.Offset!;
            return;
        }
        if (e.IsTombstone)
        {
            _groups.Remove(e.Group);
            return;
        }
        var group = GetOrCreate(e.Group);
        group.Generation = e.Generation;
        group.ProtocolType = e.ProtocolType is { Length: > 0 } pt ? pt : null;
    }
}
