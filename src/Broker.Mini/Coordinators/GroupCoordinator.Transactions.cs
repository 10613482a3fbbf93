using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Coordinators;

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// TxnOffsetCommit: validates the member when a generation is given (v3+), then writes the offsets to the group's
    /// offsets partition as a transactional batch of the producer. They stay pending (invisible to OffsetFetch, and
    /// UNSTABLE_OFFSET_COMMIT under <c>require_stable</c>) until the transaction's marker reaches that partition.
    /// </summary>
    public (ErrorCode GroupError, List<ErrorCode> Errors) CommitTxnOffsets(string groupId, long producerId, short epoch, int generation,
        string memberId, string? instanceId, IReadOnlyList<OffsetCommitItem> items)
    {
        var group = Find(groupId);
        if (generation >= 0)
        {
            var memberError = ValidateCommit(group, generation, memberId, instanceId, memberEpochSemantics: false);
            if (memberError != ErrorCode.None) return (memberError, []);
        }
        group ??= GetOrCreate(groupId);
        var config = Config;
        long now = NowMs;
        var errors = new List<ErrorCode>(items.Count);
        var records = new List<(byte[], byte[]?)>();
        var pending = PendingFor(group, producerId);
        foreach (var item in items)
        {
            if (_cluster.FindPartition(item.Topic, item.Partition) is null) errors.Add(ErrorCode.UnknownTopicOrPartition);
            else if ((item.Metadata?.Length ?? 0) > config.MaxMetadataBytes) errors.Add(ErrorCode.OffsetMetadataTooLarge);
            else
            {
                var committed = new CommittedOffset(item.Offset, item.LeaderEpoch, item.Metadata ?? "", now, -1);
                pending[(item.Topic, item.Partition)] = committed;
                records.Add((OffsetStore.OffsetKey(groupId, item.Topic, item.Partition), OffsetStore.OffsetValue(committed, explicitExpiry: false)));
                errors.Add(ErrorCode.None);
            }
        }
        if (pending.Count == 0) group.PendingTxnOffsets.Remove(producerId);
        AppendTransactional(groupId, producerId, epoch, records);
        return (ErrorCode.None, errors);
    }

    /// <summary>Applies (commit) or drops (abort) the pending offsets of <paramref name="producerId"/> in one offsets partition.</summary>
    public void CompleteTransaction(long producerId, int offsetsPartition, bool commit)
    {
        int partitions = OffsetsTopic().Partitions.Count;
        foreach (var group in _groups.Values)
        {
            if (!group.PendingTxnOffsets.TryGetValue(producerId, out var pending) || PartitionFor(group.Id, partitions) != offsetsPartition) continue;
            group.PendingTxnOffsets.Remove(producerId);
            if (!commit) continue;
            foreach (var (key, offset) in pending) group.Offsets[key] = offset;
        }
    }

    private static Dictionary<(string Topic, int Partition), CommittedOffset> PendingFor(Group group, long producerId)
    {
        if (!group.PendingTxnOffsets.TryGetValue(producerId, out var pending))
            group.PendingTxnOffsets[producerId] = pending = new();
        return pending;
    }

    private void AppendTransactional(string groupId, long producerId, short epoch, List<(byte[] Key, byte[]? Value)> records)
    {
        if (records.Count == 0) return;
        var partition = PartitionOf(groupId);
        long now = NowMs;
        using var builder = new RecordBatchBuilder(1024) { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = -1, IsTransactional = true };
        foreach (var (key, value) in records) builder.Append(now, key, value);
        byte[] batch = builder.Build().ToArray();
        _cluster.AppendCoordinatorRecords(partition, batch, now);
        _cluster.SignalDataArrived();
    }
}
