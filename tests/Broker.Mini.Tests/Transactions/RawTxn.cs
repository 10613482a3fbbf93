using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Tests.Transactions;

/// <summary>Raw-protocol steps of a transaction, for handler tests (one broker, so every coordinator is broker 0).</summary>
internal static class RawTxn
{
    public static async Task<(long ProducerId, short Epoch)> InitAsync(TestClient client, string transactionalId, int timeoutMs = 60000)
    {
        var r = await client.SendAsync(new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = timeoutMs }, 4);
        Assert.Equal(ErrorCode.None, (ErrorCode)r.ErrorCode);
        return (r.ProducerId, r.ProducerEpoch);
    }

    public static async Task<ErrorCode> AddPartitionAsync(TestClient client, string transactionalId, (long Id, short Epoch) producer, string topic, int partition)
    {
        var r = await client.SendAsync(new AddPartitionsToTxnRequest
        {
            V3AndBelowTransactionalId = transactionalId,
            V3AndBelowProducerId = producer.Id,
            V3AndBelowProducerEpoch = producer.Epoch,
            V3AndBelowTopics = { new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = topic, Partitions = { partition } } },
        }, 3);
        return (ErrorCode)r.ResultsByTopicV3AndBelow[0].ResultsByPartition[0].PartitionErrorCode;
    }

    public static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(TestClient client, (long Id, short Epoch) producer, int sequence, string topic, params string[] values)
    {
        using var builder = new RecordBatchBuilder { ProducerId = producer.Id, ProducerEpoch = producer.Epoch, BaseSequence = sequence, IsTransactional = true };
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var v in values) builder.Append(now, "k"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(v));
        var r = await client.SendAsync(TestClient.Produce(topic, 0, builder.Build().ToArray()), 9);
        return r.Responses[0].PartitionResponses[0];
    }

    public static async Task<ErrorCode> EndAsync(TestClient client, string transactionalId, (long Id, short Epoch) producer, bool commit)
    {
        var r = await client.SendAsync(new EndTxnRequest { TransactionalId = transactionalId, ProducerId = producer.Id, ProducerEpoch = producer.Epoch, Committed = commit }, 3);
        return (ErrorCode)r.ErrorCode;
    }

    public static async Task<FetchResponse.PartitionData> FetchAsync(TestClient client, string topic, sbyte isolation)
    {
        var request = TestClient.Fetch(topic, 0, 0);
        request.IsolationLevel = isolation;
        var r = await client.SendAsync(request, 12);
        return r.Responses[0].Partitions[0];
    }

    public static async Task<long> LatestAsync(TestClient client, string topic, sbyte isolation)
    {
        var r = await client.SendAsync(new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = isolation,
            Topics = { new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = { new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1 } } } },
        }, 7);
        return r.Topics[0].Partitions[0].Offset;
    }
}
