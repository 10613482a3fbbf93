using Samsa.Client;
using Samsa.Producer.Internal;
using Samsa.Protocol;
using Samsa.Testing;

namespace Samsa.Producer.Tests;

/// <summary>Transactions against librdkafka's mock cluster (error classes by injection); end-to-end visibility on Broker.Mini is in <see cref="TransactionsOnBrokerMiniTests"/>.</summary>
public sealed class TransactionTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static KafkaProducer<string?, string?> Transactional(string bootstrap, string id) =>
        KafkaProducerTests.Build(bootstrap, o => { o.TransactionalId = id; o.MaxBlockMs = 30_000; });

    [PeerFact("librdkafka")]
    public async Task CommitAbortCommit_ProtocolFlowSucceedsAndBatchesAreTransactional()
    {
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("tx", 1, 3);
        await using var producer = Transactional(mock.BootstrapServers, "tx-1");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);

        producer.BeginTransaction();
        for (int i = 0; i < 10; i++) producer.Produce("tx", new Message<string?, string?> { Key = "k", Value = "committed-" + i });
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);

        producer.BeginTransaction();
        var aborted = new List<Task<DeliveryResult<string?, string?>>>();
        for (int i = 0; i < 5; i++) aborted.Add(producer.ProduceAsync("tx", new Message<string?, string?> { Key = "k", Value = "aborted-" + i }));
        await Task.WhenAll(aborted).WaitAsync(HangGuard);
        await producer.AbortTransactionAsync().WaitAsync(HangGuard);

        producer.BeginTransaction();
        await producer.ProduceAsync("tx", new Message<string?, string?> { Key = "k", Value = "committed-last" }).WaitAsync(HangGuard);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);

        // The mock acknowledges EndTxn but writes no markers, so read_committed filtering cannot be checked here; the
        // batches themselves must carry the transactional flag and the producer id from InitProducerId.
        var read = await TopicReader.ReadAllAsync(mock.BootstrapServers, "tx");
        Assert.Equal(16, read.Count);
        Assert.All(read, r => Assert.True(r.Transactional && r.ProducerId >= 0));
        Assert.Single(read.Select(r => r.ProducerId).Distinct());
    }

    [PeerFact("librdkafka")]
    public async Task EndTxn_ProducerFenced_IsFatal()
    {
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("tx3", 1, 1);
        await using var producer = Transactional(mock.BootstrapServers, "tx-3");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);
        producer.BeginTransaction();
        await producer.ProduceAsync("tx3", new Message<string?, string?> { Value = "a" }).WaitAsync(HangGuard);
        mock.PushRequestErrors((short)ApiKey.EndTxn, (short)ErrorCode.ProducerFenced);
        var e = await Assert.ThrowsAsync<KafkaTransactionException>(() => producer.CommitTransactionAsync());
        Assert.True(e.IsFatal, e.Message);
        Assert.Equal(ErrorCode.ProducerFenced, e.ErrorCode);
        Assert.Throws<KafkaTransactionException>(() => producer.BeginTransaction());
    }

    [PeerFact("librdkafka")]
    public async Task EndTxn_ConcurrentTransactions_IsRetried()
    {
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("tx5", 1, 1);
        await using var producer = Transactional(mock.BootstrapServers, "tx-5");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);
        producer.BeginTransaction();
        await producer.ProduceAsync("tx5", new Message<string?, string?> { Value = "a" }).WaitAsync(HangGuard);
        mock.PushRequestErrors((short)ApiKey.EndTxn, (short)ErrorCode.ConcurrentTransactions, (short)ErrorCode.CoordinatorLoadInProgress);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);
        producer.BeginTransaction(); // Ready again
    }

    [PeerFact("librdkafka")]
    public async Task AddPartitions_AuthorizationFailure_IsAbortable()
    {
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("tx6", 1, 1);
        await using var producer = Transactional(mock.BootstrapServers, "tx-6");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);
        producer.BeginTransaction();
        mock.PushRequestErrors((short)ApiKey.AddPartitionsToTxn, (short)ErrorCode.TopicAuthorizationFailed);
        producer.Produce("tx6", new Message<string?, string?> { Value = "a" });
        var e = await Assert.ThrowsAsync<KafkaTransactionException>(() => producer.CommitTransactionAsync().WaitAsync(HangGuard));
        Assert.False(e.IsFatal);
        Assert.True(e.RequiresAbort);
        await producer.AbortTransactionAsync().WaitAsync(HangGuard);
        producer.BeginTransaction();
        await producer.ProduceAsync("tx6", new Message<string?, string?> { Value = "b" }).WaitAsync(HangGuard);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);
    }

    [PeerFact("librdkafka")]
    public async Task Produce_OutsideATransaction_Throws()
    {
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("tx2", 1, 1);
        await using var producer = Transactional(mock.BootstrapServers, "tx-2");
        Assert.Throws<InvalidOperationException>(() => producer.BeginTransaction());
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);
        Assert.Throws<InvalidOperationException>(() => producer.Produce("tx2", new Message<string?, string?> { Value = "x" }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => producer.CommitTransactionAsync());
    }

    [PeerFact("librdkafka")]
    public async Task SendOffsetsToTransaction_RetriesCoordinatorErrorsAndCommits()
    {
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("tx4", 1, 1);
        mock.CreateTopic("input", 1, 1);
        await using var producer = Transactional(mock.BootstrapServers, "tx-4");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);
        producer.BeginTransaction();
        await producer.ProduceAsync("tx4", new Message<string?, string?> { Value = "out" }).WaitAsync(HangGuard);
        mock.PushRequestErrors((short)ApiKey.TxnOffsetCommit, (short)ErrorCode.CoordinatorLoadInProgress);
        await producer.SendOffsetsToTransactionAsync([new TopicPartitionOffset("input", 0, 42)], new ConsumerGroupMetadata("txgroup")).WaitAsync(HangGuard);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);
    }

    [Theory]
    [InlineData(ErrorCode.ProducerFenced, true, false)]
    [InlineData(ErrorCode.TransactionalIdAuthorizationFailed, true, false)]
    [InlineData(ErrorCode.InvalidProducerEpoch, true, false)]
    [InlineData(ErrorCode.ConcurrentTransactions, false, true)]
    [InlineData(ErrorCode.CoordinatorLoadInProgress, false, true)]
    [InlineData(ErrorCode.NotCoordinator, false, true)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false, false)]
    [InlineData(ErrorCode.OutOfOrderSequenceNumber, false, false)]
    public void ErrorClasses_MatchJava(ErrorCode error, bool fatal, bool retriable)
    {
        Assert.Equal(fatal, TransactionManager.IsFatal(error));
        Assert.Equal(retriable, TransactionManager.IsRetriable(error));
    }
}
