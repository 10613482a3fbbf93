namespace Samsa.Broker.Mini.Tests.Transactions;

/// <summary>Transaction APIs over the raw protocol: coordinator answers, LSO, aborted index, transactional offsets, restarts.</summary>
public sealed class TransactionHandlerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-txn-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task InitProducerId_TimeoutAboveMax_InvalidTransactionTimeout()
    {
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options(brokers: 1));
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(new InitProducerIdRequest { TransactionalId = "x", TransactionTimeoutMs = 900_001 }, 4);
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, (ErrorCode)r.ErrorCode);
        var find = await client.SendAsync(new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = { "x" } }, 4);
        Assert.Equal(ErrorCode.None, (ErrorCode)find.Coordinators[0].ErrorCode);
        Assert.Equal(0, find.Coordinators[0].NodeId);
    }

    [Fact]
    public async Task Produce_PartitionNotInTransaction_InvalidTxnState()
    {
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options(brokers: 1));
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var producer = await RawTxn.InitAsync(client, "p");
        var r = await RawTxn.ProduceAsync(client, producer, 0, "t", "v");
        Assert.Equal(ErrorCode.InvalidTxnState, (ErrorCode)r.ErrorCode);
    }

    [Fact]
    public async Task AbortedTransaction_ReadCommittedStopsAtLsoThenGetsAbortedList()
    {
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options(brokers: 1));
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "plain"))), 9);
        var producer = await RawTxn.InitAsync(client, "abort-me");
        Assert.Equal(ErrorCode.None, await RawTxn.AddPartitionAsync(client, "abort-me", producer, "t", 0));
        Assert.Equal(ErrorCode.None, (ErrorCode)(await RawTxn.ProduceAsync(client, producer, 0, "t", "x1", "x2")).ErrorCode);

        var open = await RawTxn.FetchAsync(client, "t", 1);
        Assert.Equal(1, open.LastStableOffset);
        Assert.Equal(3, open.HighWatermark);
        Assert.Equal(["plain"], TestClient.Records(open.Records).Select(r => r.Value));
        Assert.Equal(1, await RawTxn.LatestAsync(client, "t", 1));
        Assert.Equal(3, await RawTxn.LatestAsync(client, "t", 0));
        Assert.Equal(3, TestClient.Records((await RawTxn.FetchAsync(client, "t", 0)).Records).Count);

        var producers = await client.SendAsync(new DescribeProducersRequest { Topics = { new DescribeProducersRequest.TopicRequest { Name = "t", PartitionIndexes = { 0 } } } }, 0);
        var state = Assert.Single(producers.Topics[0].Partitions[0].ActiveProducers);
        Assert.Equal((producer.ProducerId, 1L, 1), (state.ProducerId, state.CurrentTxnStartOffset, state.LastSequence));

        var described = await client.SendAsync(new DescribeTransactionsRequest { TransactionalIds = { "abort-me", "nope" } }, 0);
        Assert.Equal("Ongoing", described.TransactionStates[0].TransactionStateValue);
        Assert.Equal([0], described.TransactionStates[0].Topics.Single(t => t.Topic == "t").Partitions);
        Assert.Equal(ErrorCode.TransactionalIdNotFound, (ErrorCode)described.TransactionStates[1].ErrorCode);

        var ongoing = await client.SendAsync(new ListTransactionsRequest { StateFilters = { "Ongoing", "Bogus" } }, 1);
        Assert.Equal(["abort-me"], ongoing.TransactionStates.Select(t => t.TransactionalId));
        Assert.Equal(["Bogus"], ongoing.UnknownStateFilters);
        var otherProducer = await client.SendAsync(new ListTransactionsRequest { ProducerIdFilters = { producer.ProducerId + 1000 } }, 1);
        Assert.Empty(otherProducer.TransactionStates);

        Assert.Equal(ErrorCode.None, await RawTxn.EndAsync(client, "abort-me", producer, commit: false));
        Assert.Equal(ErrorCode.None, await RawTxn.EndAsync(client, "abort-me", producer, commit: false));
        Assert.Equal(ErrorCode.InvalidTxnState, await RawTxn.EndAsync(client, "abort-me", producer, commit: true));
        var done = await RawTxn.FetchAsync(client, "t", 1);
        Assert.Equal(4, done.LastStableOffset);
        var aborted = Assert.Single(done.AbortedTransactions!);
        Assert.Equal((producer.ProducerId, 1L), (aborted.ProducerId, aborted.FirstOffset));
        Assert.Equal(4, await RawTxn.LatestAsync(client, "t", 1));
    }

    [Fact]
    public async Task TxnOffsetCommit_PendingUntilCommit_RequireStableSeesUnstable()
    {
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options(brokers: 1));
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var producer = await RawTxn.InitAsync(client, "offsets");
        var notAdded = await CommitOffset(client, "offsets", producer, 7);
        Assert.Equal(ErrorCode.InvalidTxnState, notAdded);
        var add = await client.SendAsync(new AddOffsetsToTxnRequest { TransactionalId = "offsets", ProducerId = producer.ProducerId, ProducerEpoch = producer.Epoch, GroupId = "g" }, 3);
        Assert.Equal(ErrorCode.None, (ErrorCode)add.ErrorCode);
        Assert.Equal(ErrorCode.None, await CommitOffset(client, "offsets", producer, 7));

        var stable = await FetchOffset(client, requireStable: true);
        Assert.Equal((ErrorCode.UnstableOffsetCommit, -1L), ((ErrorCode)stable.ErrorCode, stable.CommittedOffset));
        Assert.Equal(-1, (await FetchOffset(client, requireStable: false)).CommittedOffset);

        Assert.Equal(ErrorCode.None, await RawTxn.EndAsync(client, "offsets", producer, commit: true));
        var after = await FetchOffset(client, requireStable: true);
        Assert.Equal((ErrorCode.None, 7L), ((ErrorCode)after.ErrorCode, after.CommittedOffset));
    }

    [Fact]
    public async Task Restart_OpenTransactionAndOffsets_Survive_NewProducerFencesAndAborts()
    {
        (long ProducerId, short Epoch) producer;
        await using (var cluster = await MiniCluster.StartAsync(TxnKit.Options(brokers: 1, dataDirectory: _dir)))
        {
            await cluster.CreateTopicAsync("t");
            await using var client = TestClient.Connect(cluster);
            producer = await RawTxn.InitAsync(client, "durable");
            Assert.Equal(ErrorCode.None, await RawTxn.AddPartitionAsync(client, "durable", producer, "t", 0));
            await client.SendAsync(new AddOffsetsToTxnRequest { TransactionalId = "durable", ProducerId = producer.ProducerId, ProducerEpoch = producer.Epoch, GroupId = "g" }, 3);
            Assert.Equal(ErrorCode.None, (ErrorCode)(await RawTxn.ProduceAsync(client, producer, 0, "t", "c1", "c2")).ErrorCode);
            Assert.Equal(ErrorCode.None, await CommitOffset(client, "durable", producer, 2));
            Assert.Equal(ErrorCode.None, await RawTxn.EndAsync(client, "durable", producer, commit: true));
            Assert.Equal(ErrorCode.None, await RawTxn.AddPartitionAsync(client, "durable", producer, "t", 0));
            Assert.Equal(ErrorCode.None, (ErrorCode)(await RawTxn.ProduceAsync(client, producer, 2, "t", "open")).ErrorCode);
        }
        await using (var cluster = await MiniCluster.StartAsync(TxnKit.Options(brokers: 1, dataDirectory: _dir)))
        {
            await using var client = TestClient.Connect(cluster);
            Assert.Equal((Samsa.Broker.Mini.Coordinators.TxnState.Ongoing, producer.ProducerId, producer.Epoch), TxnKit.Describe(cluster, "durable"));
            Assert.Equal((4L, 3L), TxnKit.Offsets(cluster, "t", 0));
            Assert.Equal(2, (await FetchOffset(client, requireStable: false)).CommittedOffset);
            var producers = await client.SendAsync(new DescribeProducersRequest { Topics = { new DescribeProducersRequest.TopicRequest { Name = "t", PartitionIndexes = { 0 } } } }, 0);
            var state = Assert.Single(producers.Topics[0].Partitions[0].ActiveProducers);
            Assert.Equal((producer.ProducerId, 3L, 2), (state.ProducerId, state.CurrentTxnStartOffset, state.LastSequence));

            var first = await client.SendAsync(new InitProducerIdRequest { TransactionalId = "durable", TransactionTimeoutMs = 60000 }, 4);
            Assert.Equal(ErrorCode.ConcurrentTransactions, (ErrorCode)first.ErrorCode);
            var second = await RawTxn.InitAsync(client, "durable");
            Assert.Equal((producer.ProducerId, (short)(producer.Epoch + 2)), second);
            Assert.Equal((5L, 5L), TxnKit.Offsets(cluster, "t", 0));
            var zombie = await RawTxn.ProduceAsync(client, producer, 3, "t", "late");
            Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)zombie.ErrorCode);
            Assert.Equal(ErrorCode.ProducerFenced, await RawTxn.EndAsync(client, "durable", producer, commit: true));
            var fetched = await RawTxn.FetchAsync(client, "t", 1);
            var values = TestClient.Records(fetched.Records).Select(r => r.Value).ToList();
            Assert.Equal(["c1", "c2"], values.Take(2));
            Assert.DoesNotContain("late", values);
            Assert.Equal((producer.ProducerId, 3L), (fetched.AbortedTransactions!.Single().ProducerId, fetched.AbortedTransactions!.Single().FirstOffset));
        }
    }

    private static async Task<ErrorCode> CommitOffset(TestClient client, string transactionalId, (long ProducerId, short Epoch) producer, long offset)
    {
        var r = await client.SendAsync(new TxnOffsetCommitRequest
        {
            TransactionalId = transactionalId,
            GroupId = "g",
            ProducerId = producer.ProducerId,
            ProducerEpoch = producer.Epoch,
            Topics = { new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic { Name = "t", Partitions = { new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = offset } } } },
        }, 3);
        return (ErrorCode)r.Topics[0].Partitions[0].ErrorCode;
    }

    private static async Task<OffsetFetchResponse.OffsetFetchResponsePartition> FetchOffset(TestClient client, bool requireStable)
    {
        var r = await client.SendAsync(new OffsetFetchRequest
        {
            GroupId = "g",
            RequireStable = requireStable,
            Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = "t", PartitionIndexes = { 0 } }],
        }, 7);
        return r.Topics[0].Partitions[0];
    }
}
