using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// Produce (0), v3+: validates each partition's single v2 batch (framing, CRC, size, keys on compacted topics,
/// timestamps, idempotent sequences; transactional batches only for partitions in the producer's ongoing
/// transaction, else INVALID_TXN_STATE), assigns offsets and the leader epoch, stamps LogAppendTime, recompresses to
/// the topic's <c>compression.type</c>, and appends. acks=0 gets no response; acks=all checks <c>min.insync.replicas</c>
/// (with logical replication the ISR has the data as soon as the leader does).
/// </summary>
internal sealed partial class ProduceHandler : RequestHandler<ProduceRequest>
{
    public override ApiKey Key => ApiKey.Produce;

    public override short MinVersion => 3;

    protected override IKafkaApiMessage? Handle(RequestContext context, ProduceRequest request)
    {
        var cluster = context.Cluster;
        var response = new ProduceResponse();
        bool badAcks = request.Acks is not (-1 or 0 or 1);
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
                        : Append(context, topic.Name, data, request.Acks, ref appended);
                    topicResponse.PartitionResponses.Add(result);
                }
            }
            if (appended) cluster.SignalDataArrived();
        }
        return request.Acks == 0 ? null : response;
    }

    private static ProduceResponse.PartitionProduceResponse Append(
        RequestContext context, string topicName, ProduceRequest.PartitionProduceData data, short acks, ref bool appended)
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

        byte[] batch = validation.Stored;
        RecordBatchHeader.SetBaseOffset(batch, partition.Log.LogEndOffset);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, partition.LeaderEpoch);
        if (config.TimestampType == TimestampType.LogAppendTime) RecordBatchHeader.SetMaxTimestamp(batch, TimestampType.LogAppendTime, now);
        header = RecordBatchHeader.Read(batch);
        partition.Log.Append(batch, header, config.Limits, now);
        partition.Producers.Update(header, now);
        appended = true;

        result.BaseOffset = header.BaseOffset;
        result.LogAppendTimeMs = config.TimestampType == TimestampType.LogAppendTime ? now : -1;
        result.LogStartOffset = partition.Log.LogStartOffset;
        return result;
    }

    private static ProduceResponse.PartitionProduceResponse Fail(ProduceResponse.PartitionProduceResponse result, ErrorCode code)
    {
        result.ErrorCode = (short)code;
        result.BaseOffset = -1;
        return result;
    }
}
