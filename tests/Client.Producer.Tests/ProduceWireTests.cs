using Samsa.Producer.Internal;
using Samsa.Protocol;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Producer.Tests;

/// <summary>
/// The sender's lean Produce request writer and response reader against the generated <see cref="ProduceRequest"/> and
/// <see cref="ProduceResponse"/>: same bytes out, same results in, at every version.
/// </summary>
public sealed class ProduceWireTests
{
    private static readonly short[] Versions = [0, 2, 3, 5, 7, 8, 9, 10, 11];

    private static ProducerBatch Batch(RecordAccumulator accumulator, PartitionQueue queue, int records)
    {
        var batch = accumulator.NewBatch(queue, 0);
        for (int i = 0; i < records; i++)
        {
            byte[] value = [(byte)queue.Partition, (byte)i, 7, 7, 7];
            batch.Builder.Append(1_700_000_000_000 + i, "k"u8, false, value, false, []);
            batch.AddMeta(new RecordMeta { Timestamp = 1_700_000_000_000 + i });
        }
        batch.ProducerId = 42;
        batch.ProducerEpoch = 3;
        batch.BaseSequence = 10 * queue.Partition;
        return batch;
    }

    /// <summary>Batches of two topics, interleaved (the writer must group them as the generated request does).</summary>
    private static List<ProducerBatch> Batches()
    {
        var accumulator = new RecordAccumulator(16384, CompressionType.None, null, new BufferPool(1 << 20, TimeProvider.System), TimeProvider.System, () => { });
        var orders = new TopicState("orders");
        orders.Update(4, [0, 1, 2, 3]);
        var payments = new TopicState("påyments"); // non-ASCII: matched through the UTF-8 path
        payments.Update(2, [0, 1]);
        return
        [
            Batch(accumulator, orders.Partitions[2], 3),
            Batch(accumulator, payments.Partitions[1], 1),
            Batch(accumulator, orders.Partitions[0], 5),
            Batch(accumulator, payments.Partitions[0], 2),
            Batch(accumulator, orders.Partitions[3], 1),
        ];
    }

    private static byte[] WriteBody(IKafkaApiMessage message, short version)
    {
        var buffer = new byte[message.ComputeSize(version)];
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        Assert.Equal(buffer.Length, writer.Position);
        return buffer;
    }

    [Fact]
    public void Write_EveryVersion_BytesEqualGeneratedRequest()
    {
        var batches = Batches();
        foreach (short version in Versions)
        {
            string? transactionalId = version >= 3 ? "tx-1" : null;
            var lean = new ProduceRequestBody { Acks = -1, TimeoutMs = 30000, TransactionalId = transactionalId };
            lean.Batches.AddRange(batches);
            lean.Prepare();
            for (int i = 0; i < lean.Batches.Count; i++) lean.SetRecords(i, lean.Batches[i].Encode(transactional: false));

            var generated = new ProduceRequest { Acks = -1, TimeoutMs = 30000, TransactionalId = transactionalId, TopicData = [] };
            foreach (var batch in batches)
            {
                var topic = generated.TopicData.FirstOrDefault(t => t.Name == batch.Queue.TopicName);
                if (topic is null) generated.TopicData.Add(topic = new ProduceRequest.TopicProduceData { Name = batch.Queue.TopicName });
                topic.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = batch.Queue.Partition, Records = batch.Encode(transactional: false) });
            }

            Assert.Equal(generated.ComputeSize(version), lean.ComputeSize(version));
            Assert.Equal(WriteBody(generated, version), WriteBody(lean, version));
        }
    }

    [Fact]
    public void GroupByTopic_Interleaved_FirstAppearanceOrderKept()
    {
        var batches = Batches();
        ProduceRequestBody.GroupByTopic(batches);
        Assert.Equal(["orders-2", "orders-0", "orders-3", "påyments-1", "påyments-0"], batches.Select(b => $"{b.Queue.TopicName}-{b.Queue.Partition}"));
    }

    [Fact]
    public void Write_UnsupportedVersionOrTransactionalIdBeforeV3_Throws()
    {
        var lean = new ProduceRequestBody { Acks = 1, TimeoutMs = 1000, TransactionalId = "tx" };
        lean.Batches.AddRange(Batches());
        lean.Prepare();
        Assert.Throws<KafkaProtocolException>(() => lean.ComputeSize(12));
        Assert.Throws<KafkaProtocolException>(() => WriteBody(lean, 2));
    }

    private static ProduceResponse Response(short version, List<ProducerBatch> batches)
    {
        var response = new ProduceResponse { ThrottleTimeMs = version >= 1 ? 250 : 0 };
        // Answer in an order different from the request: topics reversed, partitions reversed.
        foreach (var group in batches.GroupBy(b => b.Queue.TopicName).Reverse())
        {
            var topic = new ProduceResponse.TopicProduceResponse { Name = group.Key };
            foreach (var batch in group.Reverse())
            {
                int p = batch.Queue.Partition;
                var partition = new ProduceResponse.PartitionProduceResponse
                {
                    Index = p,
                    ErrorCode = (short)(p == 3 ? ErrorCode.InvalidRecord : ErrorCode.None),
                    BaseOffset = 1000 * (p + 1),
                    LogAppendTimeMs = version >= 2 ? 1_800_000_000_000 + p : -1,
                    LogStartOffset = version >= 5 ? 5 : -1,
                };
                if (version >= 8 && p == 3)
                {
                    partition.RecordErrors = [new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = 0, BatchIndexErrorMessage = "bad record" }];
                    partition.ErrorMessage = "one record was rejected";
                }
                if (version >= 10 && p == 0)
                    partition.CurrentLeader = new ProduceResponse.LeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 9 };
                topic.PartitionResponses.Add(partition);
            }
            response.Responses.Add(topic);
        }
        // A partition the request did not contain is ignored.
        response.Responses[0].PartitionResponses.Add(new ProduceResponse.PartitionProduceResponse { Index = 99, BaseOffset = 1 });
        if (version >= 10) response.NodeEndpoints = [new ProduceResponse.NodeEndpoint { NodeId = 2, Host = "b2", Port = 9092 }];
        return response;
    }

    [Fact]
    public void Read_EveryVersion_MatchesGeneratedReader()
    {
        var batches = Batches();
        ProduceRequestBody.GroupByTopic(batches);
        foreach (short version in Versions)
        {
            var bytes = WriteBody(Response(version, batches), version);
            var generated = new ProduceResponse();
            var genReader = new KafkaReader(bytes);
            generated.Read(ref genReader, version);

            using var acks = new ProduceAcks();
            var reader = new KafkaReader(bytes);
            acks.Read(ref reader, version);
            Assert.Equal(genReader.Position, reader.Position);
            Assert.Equal(generated.ThrottleTimeMs, acks.ThrottleTimeMs);
            Assert.Equal(bytes, WriteBody(acks, version));

            var results = new PartitionAck[batches.Count];
            acks.Match(batches, results);
            for (int i = 0; i < batches.Count; i++)
            {
                var batch = batches[i];
                var expected = generated.Responses.Single(t => t.Name == batch.Queue.TopicName).PartitionResponses.Single(p => p.Index == batch.Queue.Partition);
                var actual = results[i];
                Assert.True(actual.Found);
                Assert.Equal(expected.ErrorCode, actual.ErrorCode);
                Assert.Equal(expected.BaseOffset, actual.BaseOffset);
                Assert.Equal(expected.LogAppendTimeMs, actual.LogAppendTimeMs);
                Assert.Equal(expected.ErrorMessage, actual.ErrorMessage);
                Assert.Equal(expected.RecordErrors.Select(e => (e.BatchIndex, e.BatchIndexErrorMessage)),
                    (actual.RecordErrors ?? []).Select(e => (e.BatchIndex, e.BatchIndexErrorMessage)));
            }
        }
    }

    [Fact]
    public void Match_PartitionMissingFromResponse_NotFound()
    {
        var batches = Batches();
        ProduceRequestBody.GroupByTopic(batches);
        var response = new ProduceResponse();
        response.Responses.Add(new ProduceResponse.TopicProduceResponse
        {
            Name = "orders",
            PartitionResponses = [new ProduceResponse.PartitionProduceResponse { Index = 0, BaseOffset = 7 }],
        });
        var bytes = WriteBody(response, 9);
        using var acks = new ProduceAcks();
        var reader = new KafkaReader(bytes);
        acks.Read(ref reader, 9);
        var results = new PartitionAck[batches.Count];
        acks.Match(batches, results);
        Assert.Equal([false, true, false, false, false], results.Select(r => r.Found));
        Assert.Equal(7, results[1].BaseOffset);
    }

    [Fact]
    public void Read_Truncated_ThrowsProtocolException()
    {
        var batches = Batches();
        var bytes = WriteBody(Response(9, batches), 9);
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var acks = new ProduceAcks();
            var threw = false;
            try
            {
                var reader = new KafkaReader(bytes.AsSpan(0, cut));
                acks.Read(ref reader, 9);
            }
            catch (KafkaProtocolException)
            {
                threw = true;
            }
            Assert.True(threw, $"no error for a body cut at {cut} of {bytes.Length}");
        }
    }

    [Fact]
    public void Dispose_ReturnsBufferOnce()
    {
        var bytes = WriteBody(new ProduceResponse(), 9);
        var acks = new ProduceAcks();
        var reader = new KafkaReader(bytes);
        acks.Read(ref reader, 9);
        acks.Dispose();
        acks.Dispose();
        Assert.Equal(0, acks.ComputeSize(9));
    }
}
