using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Samsa.Consumer.Tests;

/// <summary>DI registration, Kafka-style key binding and the hosted worker base class.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task AddKafkaConsumer_WorkerHandlesEveryRecord_AndCommitsOnStop()
    {
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("w", 2);
        TestKit.ProduceWithConfluent(b.BootstrapServers, "w", 2, 10);
        var services = new ServiceCollection();
        services.AddKafkaConsumer<string?, string?>(configure: o =>
        {
            o.BootstrapServers = b.BootstrapServers;
            o.GroupId = "worker";
            o.AutoOffsetReset = AutoOffsetReset.Earliest;
            o.HeartbeatIntervalMs = 500;
        });
        services.AddKafkaConsumerWorker<CollectingWorker, string?, string?>();
        await using var provider = services.BuildServiceProvider();
        var worker = (CollectingWorker)provider.GetServices<IHostedService>().Single();
        await worker.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TestKit.Guard;
        while (worker.Handled.Count < 20 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(20, worker.Handled.Count);
        await worker.StopAsync(CancellationToken.None);

        await using var check = TestKit.Consumer(b.BootstrapServers, o => o.GroupId = "worker");
        Assert.Equal([10L, 10L], (await check.CommittedAsync(TestKit.Partitions("w", 2))).Select(o => o.Offset));
    }

    [Fact]
    public void ConsumerBuilder_KafkaStyleKeys_BindToOptions()
    {
        var consumer = new ConsumerBuilder<string, string>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = "127.0.0.1:1",
            ["group.id"] = "g",
            ["auto.offset.reset"] = "earliest",
            ["isolation.level"] = "read_committed",
            ["partition.assignment.strategy"] = "cooperative-sticky",
            ["enable.auto.commit"] = "false",
        }).Build();
        Assert.Empty(consumer.Assignment);
        Assert.Throws<ArgumentException>(() => new ConsumerBuilder<string, string>(new ConsumerOptions
        {
            BootstrapServers = "127.0.0.1:1",
            PartitionAssignmentStrategy = "nope",
            GroupId = "g",
        }).Build());
        Assert.Throws<ArgumentException>(() => new ConsumerOptions { BootstrapServers = "x:1", HeartbeatIntervalMs = 50_000 }.Validate());
    }

    private sealed class CollectingWorker(IKafkaConsumer<string?, string?> consumer) : KafkaConsumerWorker<string?, string?>(consumer)
    {
        public ConcurrentQueue<string> Handled { get; } = new();

        protected override IEnumerable<string> Topics => ["w"];

        protected override ValueTask HandleAsync(ConsumeResult<string?, string?> record, CancellationToken cancellationToken)
        {
            Handled.Enqueue($"{record.Partition}@{record.Offset}");
            return ValueTask.CompletedTask;
        }
    }
}
