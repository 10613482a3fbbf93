using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// Produce (0), v3+: validates each partition's single v2 batch (framing, CRC, size, keys on compacted topics,
/// timestamps, idempotent sequences; transactional batches only for partitions in the producer's ongoing
/// transaction, else INVALID_TXN_STATE), assigns offsets and the leader epoch, stamps LogAppendTime, recompresses to
/// the topic's <c>compression.type</c>, and appends to the leader's replica. acks=0 gets no response; acks=1 answers at
/// the leader append; acks=all checks <c>min.insync.replicas</c> first and answers once the high watermark passes the batch.
/// </summary>
internal sealed partial class ProduceHandler : RequestHandler<ProduceRequest>
{
    public override ApiKey Key => ApiKey.Produce;

    public override short MinVersion => 3;

    /// <summary>An appended acks=all batch waiting for the high watermark to pass it.</summary>
    private sealed record Pending(PartitionState Partition, int Leader, int LeaderEpoch, long RequiredOffset, ProduceResponse.PartitionProduceResponse Result);

    protected override async ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, ProduceRequest request, CancellationToken cancellationToken)
    {
        var cluster = context.Cluster;
        var response = new ProduceResponse();
        bool badAcks = request.Acks is not (-1 or 0 or 1);
        var pending = new List<Pending>();
        lock (cluster.Sync)
        {
            bool appended = false;
            foreach (var topic in request.TopicData)
            {
                var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
                response.Responses.Add(topicResponse);
                foreach (var data in topic.PartitionData)
                {
                    var result = badAcks
                        ? new ProduceResponse.PartitionProduceResponse { Index = data.Index, ErrorCode = (short)ErrorCode.InvalidRequiredAcks, BaseOffset = -1 }
                        : Append(context, topic.Name, data, request.Acks, pending, ref appended);
                    topicResponse.PartitionResponses.Add(result);
                }
            }
            if (appended) cluster.SignalDataArrived();
        }
        if (request.Acks == 0) return null;
        if (pending.Count > 0) await AwaitReplicationAsync(cluster, pending, request.TimeoutMs, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Kafka's DelayedProduce: each acks=all partition completes when the high watermark passes its batch (then
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below <c>min.insync.replicas</c>), with NOT_LEADER_OR_FOLLOWER
    /// when leadership moved, or REQUEST_TIMED_OUT after the request's timeout. Woken by replication, never by polling.
    /// </summary>
    private static async Task AwaitReplicationAsync(ClusterState cluster, List<Pending> pending, int timeoutMs, CancellationToken cancellationToken)
    {
        var time = cluster.Time;
        var deadline = time.GetUtcNow().AddMilliseconds(Math.Max(timeoutMs, 0));
        while (true)
        {
            Task wake;
            lock (cluster.Sync)
            {
                pending.RemoveAll(Completed);
                if (pending.Count == 0) return;
                wake = cluster.DataArrived;
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) break;
            await Task.WhenAny(wake, Task.Delay(remaining, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        lock (cluster.Sync)
        {
            pending.RemoveAll(Completed);
            foreach (var p in pending)
            {
                p.Result.ErrorMessage = $"Replication of {p.Partition.Name} did not reach offset {p.RequiredOffset} within the request timeout.";
                Fail(p.Result, ErrorCode.RequestTimedOut);
            }
        }
    }

    private static bool Completed(Pending p)
    {
        var partition = p.Partition;
        if (partition.Leader != p.Leader || partition.LeaderEpoch != p.LeaderEpoch)
        {
            Fail(p.Result, ErrorCode.NotLeaderOrFollower);
            return true;
        }
        if (partition.HighWatermark < p.RequiredOffset) return false;
        if (partition.Isr.Count < partition.Topic.Config.MinInsyncReplicas)
        {
            p.Result.ErrorMessage = $"The ISR [{string.Join(", ", partition.Isr)}] of {partition.Name} shrank below min.insync.replicas={partition.Topic.Config.MinInsyncReplicas} after the append.";
            Fail(p.Result, ErrorCode.NotEnoughReplicasAfterAppend);
        }
        return true;
    }

    private static ProduceResponse.PartitionProduceResponse Append(
        RequestContext context, string topicName, ProduceRequest.PartitionProduceData data, short acks, List<Pending> pending, ref bool appended)
    {
        var cluster = context.Cluster;
        var result = new ProduceResponse.PartitionProduceResponse { Index = data.Index, BaseOffset = -1 };
        var partition = cluster.FindPartition(topicName, data.Index);
        if (partition is null) return Fail(result, ErrorCode.UnknownTopicOrPartition);
        var leaderError = cluster.LeaderError(partition, context.Broker.Id);
        if (leaderError != ErrorCode.None) return Fail(result, leaderError);
        result.LogStartOffset = partition.Log.LogStartOffset;

        var config = partition.Topic.Config;
        long now = cluster.NowMs;
        var validation = Validate(data.Records, partition, config, now);
        if (validation.Error.IsError)
        {
            result.ErrorMessage = validation.Error.Message;
            if (validation.RecordIndex >= 0)
                result.RecordErrors.Add(new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = validation.RecordIndex, BatchIndexErrorMessage = validation.Error.Message });
            return Fail(result, validation.Error.Code);
        }
        var header = validation.Header;

        var sequence = partition.Producers.Check(header);
        if (sequence.Error != ErrorCode.None) return Fail(result, sequence.Error);
        if (sequence.IsDuplicate)
        {
            result.BaseOffset = sequence.DuplicateBaseOffset;
            result.LogAppendTimeMs = config.TimestampType == TimestampType.LogAppendTime ? sequence.DuplicateTimestamp : -1;
            if (acks == -1)
                pending.Add(new Pending(partition, partition.Leader, partition.LeaderEpoch, sequence.DuplicateBaseOffset + header.LastOffsetDelta + 1, result));
            return result;
        }
        if (header.IsTransactional)
        {
            var txnError = cluster.TransactionCoordinator.VerifyProduce(header.ProducerId, header.ProducerEpoch, topicName, data.Index);
            if (txnError != ErrorCode.None) return Fail(result, txnError);
        }
        if (acks == -1 && partition.Isr.Count < config.MinInsyncReplicas)
        {
            result.ErrorMessage = $"The size of the current ISR [{string.Join(", ", partition.Isr)}] is insufficient to satisfy the min.isr requirement of {config.MinInsyncReplicas} for partition {partition.Name}";
            return Fail(result, ErrorCode.NotEnoughReplicas);
        }

        var batch = validation.Stored;
        if (config.TimestampType == TimestampType.LogAppendTime) RecordBatchHeader.SetMaxTimestamp(batch.Span, TimestampType.LogAppendTime, now);
        header = cluster.AppendAsLeader(partition, batch, now);
        appended = true;

        result.BaseOffset = header.BaseOffset;
        result.LogAppendTimeMs = config.TimestampType == TimestampType.LogAppendTime ? now : -1;
        result.LogStartOffset = partition.Log.LogStartOffset;
        if (acks == -1) pending.Add(new Pending(partition, partition.Leader, partition.LeaderEpoch, header.LastOffset + 1, result));
        return result;
    }

    private static ProduceResponse.PartitionProduceResponse Fail(ProduceResponse.PartitionProduceResponse result, ErrorCode code)
    {
        result.ErrorCode = (short)code;
        result.BaseOffset = -1;
        return result;
    }
}
