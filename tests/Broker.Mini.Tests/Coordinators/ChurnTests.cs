using Confluent.Kafka;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>Consumers joining and leaving at random while a producer writes.</summary>
public sealed class ChurnTests
{
    private const int Partitions = 4;

    [PeerFact("librdkafka")]
    public async Task Churn_ConsumersJoinAndLeaveWhileProducing_CommittedOffsetsNeverGoBackAndNothingIsLost()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 2));
        await cluster.CreateTopicAsync("churn", Partitions, replicationFactor: 2);
        var random = new Random(848);
        var members = new List<ConfluentMember>();
        var retired = new List<ConfluentMember>();
        using var stop = new CancellationTokenSource();
        int produced = 0;
        var producer = Task.Run(async () =>
        {
            using var p = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 5 }).Build();
            while (!stop.IsCancellationRequested)
            {
                p.Produce("churn", new Message<Null, string> { Value = $"v{produced++}" });
                await Task.Delay(5);
            }
            Assert.Equal(0, p.Flush(GroupKit.Guard));
        });
        var regressions = new List<string>();
        var sampler = Task.Run(async () =>
        {
            var last = new long[Partitions];
            while (!stop.IsCancellationRequested)
            {
                for (int p = 0; p < Partitions; p++)
                {
                    long now = GroupKit.Committed(cluster, "churn-group", "churn", p)?.Offset ?? 0;
                    if (now < last[p]) regressions.Add($"partition {p}: {last[p]} -> {now}");
                    last[p] = Math.Max(last[p], now);
                }
                await Task.Delay(20);
            }
        });
        try
        {
            var end = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < end)
            {
                if (members.Count < 2 || (members.Count < 4 && random.Next(2) == 0))
                    members.Add(new ConfluentMember(cluster.BootstrapServers, "churn-group", "churn", "cooperative-sticky", autoCommit: true));
                else
                {
                    var leaving = members[random.Next(members.Count)];
                    members.Remove(leaving);
                    await leaving.StopAsync();
                    retired.Add(leaving);
                }
                await Task.Delay(random.Next(500, 2000));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(producer, sampler).WaitAsync(GroupKit.Guard);
        }
        var everything = members.Concat(retired).ToList();
        await GroupKit.WaitForAsync(cluster, "churn-group", s => s.IsBalancedCover(members.Count, "churn", Partitions), "the group to settle");
        await ConfluentGroupTests.WaitUntil(
            () => everything.SelectMany(m => m.Consumed.Select(c => c.Value)).Distinct().Count() >= produced, "every produced message consumed at least once");
        foreach (var m in members) await m.DisposeAsync();
        Assert.Empty(regressions);
    }
}
