using Confluent.Kafka;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Transactions;

/// <summary>A python confluent-kafka transactional producer (its own librdkafka) against a socket-hosted Broker.Mini.</summary>
public sealed class PythonTransactionTests
{
    private const string Script = """
        import sys
        from confluent_kafka import Producer
        bootstrap, topic = sys.argv[1:3]
        p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'py-tx', 'linger.ms': 5})
        p.init_transactions(30)
        for t in range(4):
            p.begin_transaction()
            for i in range(5):
                p.produce(topic, key='k', value='t%d-m%d' % (t, i))
            p.flush(30)
            if t % 2 == 0:
                p.commit_transaction(30)
            else:
                p.abort_transaction(30)
        print('done')
        """;

    [PeerFact("python3-confluent-kafka")]
    public async Task PythonProducer_CommitsAndAborts_ReadCommittedSeesOnlyCommitted()
    {
        Peers.Require("python3-confluent-kafka");
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options());
        await cluster.CreateTopicAsync("py", 1, replicationFactor: 3);
        var result = await ProcessRunner.RunAsync(Peers.Python3, ["-c", Script, cluster.BootstrapServers, "py"], timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("done", result.StandardOutput, StringComparison.Ordinal);

        var committed = await Task.Run(() => TxnKit.ReadAll(cluster, "py", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value).ToList());
        Assert.Equal(new[] { 0, 2 }.SelectMany(t => Enumerable.Range(0, 5).Select(i => $"t{t}-m{i}")), committed);
        var all = await Task.Run(() => TxnKit.ReadAll(cluster, "py", 1, IsolationLevel.ReadUncommitted));
        Assert.Equal(20, all.Count);
    }
}
