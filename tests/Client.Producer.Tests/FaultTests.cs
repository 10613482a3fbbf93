using System.Collections.Concurrent;
using System.Text;
using Samsa.Broker.Mini;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Testing;

namespace Samsa.Producer.Tests;

/// <summary>Retries, leader moves and broker failures: acknowledged records appear exactly once and in order.</summary>
public sealed class FaultTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(120);

    /// <summary>Produces <paramref name="count"/> records with per-key sequence values; returns acked and failed sequences per key.</summary>
    private static async Task<(ConcurrentDictionary<string, ConcurrentBag<int>> Acked, int Failed)> ProduceSequencesAsync(
        KafkaProducer<string?, string?> producer, string topic, int count, int keys, Func<int, Task>? between = null)
    {
        var acked = new ConcurrentDictionary<string, ConcurrentBag<int>>();
        int failed = 0, reported = 0;
        var done = new TaskCompletionSource();
        for (int i = 0; i < count; i++)
        {
            string key = "k" + (i % keys);
            producer.Produce(topic, new Message<string?, string?> { Key = key, Value = i.ToString() }, report =>
            {
                if (report.IsError) Interlocked.Increment(ref failed);
                else acked.GetOrAdd(key, _ => []).Add(int.Parse(report.Message.Value!));
                if (Interlocked.Increment(ref reported) == count) done.TrySetResult();
            });
            if (between is not null) await between(i);
        }
        await done.Task.WaitAsync(HangGuard);
        return (acked, failed);
    }

    private static void AssertExactlyOnceInOrder(List<ReadRecord> read, ConcurrentDictionary<string, ConcurrentBag<int>> acked)
    {
        foreach (var group in read.GroupBy(r => Encoding.UTF8.GetString(r.Key!)))
        {
            var values = group.OrderBy(r => r.Partition).ThenBy(r => r.Offset).Select(r => int.Parse(Encoding.UTF8.GetString(r.Value!))).ToList();
            Assert.Equal(values.Distinct().Count(), values.Count); // no duplicates
            Assert.Equal(values.Order(), values);                  // in order
            if (acked.TryGetValue(group.Key, out var ok)) Assert.Empty(ok.Except(values)); // every ack present
        }
        foreach (var (key, values) in acked) Assert.True(values.IsEmpty || read.Any(r => Encoding.UTF8.GetString(r.Key!) == key));
    }

    [PeerFact("librdkafka")]
    public async Task Mock_InjectedRetriableProduceErrors_AllDeliveredOnceInOrder()
    {
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("faults", partitions: 3, replicationFactor: 3);
        // One request in flight: librdkafka's mock checks sequences only for transactional producers and appends
        // whatever arrives (a real broker, and Broker.Mini in Mini_InjectedRetriableProduceErrors_..., answer
        // OUT_OF_ORDER_SEQUENCE_NUMBER), so here order rests on the producer alone: a retried batch must never be
        // overtaken by the partition's next one (InFlightOrderTests pins the race that once let that happen).
        await using var producer = KafkaProducerTests.Build(mock.BootstrapServers, o => { o.BatchSize = 512; o.RetryBackoffMs = 10; o.MaxInFlightRequestsPerConnection = 1; });
        // One acknowledged record per partition first, so the injected errors hit batches of an established producer.
        for (int p = 0; p < 3; p++) await producer.ProduceAsync(new TopicPartition("faults", p), new Message<string?, string?> { Key = "warm", Value = "0" }).WaitAsync(HangGuard);
        // NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND on the next Produce requests.
        mock.PushRequestErrors((short)ApiKey.Produce, 6, 7, 19, 6, 20, 7, 19, 6);
        var (acked, failed) = await ProduceSequencesAsync(producer, "faults", 3000, 10);
        Assert.Equal(0, failed);
        var read = await TopicReader.ReadAllAsync(mock.BootstrapServers, "faults");
        Assert.Equal(3003, read.Count);
        AssertExactlyOnceInOrder(read.Where(r => Encoding.UTF8.GetString(r.Key!) != "warm").ToList(), acked);
    }

    [Fact]
    public async Task Mini_InjectedRetriableProduceErrors_AllDeliveredOnceInOrder()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("faults", partitions: 3);
        var errors = new Queue<short>([6, 7, 19, 6, 20, 7, 19, 6]);
        int seen = 0;
        using var inject = cluster.Intercept(ApiKey.Produce, null, (request, _) =>
        {
            short code;
            lock (errors)
            {
                // Let the warm-up through, then fail every other request until the queue is empty.
                if (++seen < 4 || seen % 2 == 0 || errors.Count == 0) return ValueTask.FromResult(InterceptResult.Continue);
                code = errors.Dequeue();
            }
            var produce = (Protocol.Messages.ProduceRequest)request.Body;
            var response = new Protocol.Messages.ProduceResponse();
            foreach (var topic in produce.TopicData)
            {
                var t = new Protocol.Messages.ProduceResponse.TopicProduceResponse { Name = topic.Name };
                foreach (var p in topic.PartitionData) t.PartitionResponses.Add(new() { Index = p.Index, ErrorCode = code, BaseOffset = -1 });
                response.Responses.Add(t);
            }
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers, o => { o.BatchSize = 512; o.RetryBackoffMs = 10; });
        for (int p = 0; p < 3; p++) await producer.ProduceAsync(new TopicPartition("faults", p), new Message<string?, string?> { Key = "warm", Value = "0" }).WaitAsync(HangGuard);
        var (acked, failed) = await ProduceSequencesAsync(producer, "faults", 3000, 10);
        Assert.Equal(0, failed);
        lock (errors) Assert.Empty(errors);
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "faults");
        Assert.Equal(3003, read.Count);
        AssertExactlyOnceInOrder(read.Where(r => Encoding.UTF8.GetString(r.Key!) != "warm").ToList(), acked);
    }

    /// <summary>
    /// KIP-360 for a non-transactional idempotent producer: one Produce request is answered with UNKNOWN_PRODUCER_ID
    /// (the broker lost our state) or OUT_OF_ORDER_SEQUENCE_NUMBER for the very batch the broker expects next. The
    /// producer bumps its epoch with InitProducerId (same id, epoch + 1), resends under the new epoch from sequence 0,
    /// and no acknowledged record is lost or duplicated.
    /// </summary>
    [Theory]
    [InlineData((short)ErrorCode.UnknownProducerId, 5)]
    [InlineData((short)ErrorCode.OutOfOrderSequenceNumber, 1)]
    public async Task Mini_SequenceErrorOnce_EpochBumpedAndAllDeliveredOnceInOrder(short code, int maxInFlight)
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("bump", partitions: 2);
        var inits = new ConcurrentQueue<(long Id, short Epoch)>();
        using var countInits = cluster.Intercept(ApiKey.InitProducerId, null, (request, _) =>
        {
            var init = (Protocol.Messages.InitProducerIdRequest)request.Body;
            inits.Enqueue((init.ProducerId, init.ProducerEpoch));
            return ValueTask.FromResult(InterceptResult.Continue);
        });
        var epochs = new ConcurrentQueue<(int Request, short Epoch, int Sequence)>();
        int requests = 0, injectedAt = -1;
        using var inject = cluster.Intercept(ApiKey.Produce, null, (request, _) =>
        {
            var produce = (Protocol.Messages.ProduceRequest)request.Body;
            int n = Interlocked.Increment(ref requests);
            foreach (var p in produce.TopicData.SelectMany(t => t.PartitionData))
            {
                using var reader = new Protocol.Records.RecordBatchReader(p.Records!.Value);
                while (reader.MoveNextBatch()) epochs.Enqueue((n, reader.Header.ProducerEpoch, reader.Header.BaseSequence));
            }
            if (n != 6) return ValueTask.FromResult(InterceptResult.Continue);
            Volatile.Write(ref injectedAt, n);
            var response = new Protocol.Messages.ProduceResponse();
            foreach (var topic in produce.TopicData)
            {
                var t = new Protocol.Messages.ProduceResponse.TopicProduceResponse { Name = topic.Name };
                foreach (var p in topic.PartitionData) t.PartitionResponses.Add(new() { Index = p.Index, ErrorCode = code, BaseOffset = -1 });
                response.Responses.Add(t);
            }
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers, o =>
        {
            o.BatchSize = 512;
            o.RetryBackoffMs = 10;
            o.MaxInFlightRequestsPerConnection = maxInFlight;
        });
        var (acked, failed) = await ProduceSequencesAsync(producer, "bump", 2000, 8);

        Assert.Equal(0, failed);
        Assert.True(Volatile.Read(ref injectedAt) > 0, "the error was never injected");
        var calls = inits.ToArray();
        Assert.Equal(2, calls.Length);
        var all = epochs.ToArray();
        short first = all[0].Epoch;
        Assert.Equal(first, calls[1].Epoch); // the bump names the epoch it replaces (InitProducerId v3+)
        Assert.Equal(first + 1, all.Max(e => e.Epoch));
        Assert.All(all.Where(e => e.Request < injectedAt), e => Assert.Equal(first, e.Epoch));
        // The bumped epoch starts every partition again at sequence 0.
        Assert.Contains(all, e => e.Epoch == first + 1 && e.Sequence == 0);
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "bump");
        Assert.Equal(2000, read.Count);
        AssertExactlyOnceInOrder(read, acked);
    }

    [PeerFact("librdkafka")]
    public async Task Mock_LeaderBrokerDownThenUp_RecordsDeliveredAfterRecovery()
    {
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("down", partitions: 1, replicationFactor: 3);
        mock.SetPartitionLeader("down", 0, 1);
        await using var producer = KafkaProducerTests.Build(mock.BootstrapServers, o => { o.RetryBackoffMs = 20; o.RequestTimeoutMs = 2000; o.DeliveryTimeoutMs = 60_000; });
        await producer.ProduceAsync("down", new Message<string?, string?> { Key = "k0", Value = "-1" }).WaitAsync(HangGuard);
        mock.SetBrokerDown(1);
        var produce = ProduceSequencesAsync(producer, "down", 500, 1);
        await Task.Delay(1500);
        mock.SetPartitionLeader("down", 0, 2);
        mock.SetBrokerUp(1);
        var (acked, failed) = await produce;
        Assert.Equal(0, failed);
        var read = await TopicReader.ReadAllAsync(mock.BootstrapServers, "down");
        AssertExactlyOnceInOrder(read, acked);
        Assert.Equal(501, read.Count);
    }

    [Fact]
    public async Task Mini_LeaderStoppedAndStartedWhileProducing_AckedRecordsExactlyOnceInOrder()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("bounce", partitions: 3, replicationFactor: 3, new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers, o =>
        {
            o.BatchSize = 1024;
            o.RetryBackoffMs = 20;
            o.RequestTimeoutMs = 3000;
            o.DeliveryTimeoutMs = 60_000;
            o.MetadataMaxAgeMs = 1000;
        });
        using var bouncer = new CancellationTokenSource();
        int bounces = 0;
        await using var admin = new KafkaCluster(new KafkaClientOptions { BootstrapServers = cluster.BootstrapServers });
        var bouncing = Task.Run(async () =>
        {
            while (!bouncer.IsCancellationRequested)
            {
                await Task.Delay(1500);
                var metadata = await admin.RefreshMetadataAsync(["bounce"]);
                int leader = metadata.Topics["bounce"].Partitions[bounces % 3].LeaderId;
                if (leader < 0) continue;
                await cluster.StopBrokerAsync(leader);
                await Task.Delay(1500);
                await cluster.StartBrokerAsync(leader);
                Interlocked.Increment(ref bounces);
            }
        });
        var (acked, failed) = await ProduceSequencesAsync(producer, "bounce", 20_000, 30, async i =>
        {
            if (i % 100 == 0) await Task.Delay(40); // spread production (~8 s) over several bounces
        });
        bouncer.Cancel();
        await bouncing;
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "bounce");
        AssertExactlyOnceInOrder(read, acked);
        Assert.Equal(20_000, acked.Values.Sum(v => v.Count) + failed);
        Assert.True(acked.Values.Sum(v => v.Count) > 0);
        Assert.True(Volatile.Read(ref bounces) >= 2, $"only {bounces} leader bounce(s) happened while producing");
    }
}
