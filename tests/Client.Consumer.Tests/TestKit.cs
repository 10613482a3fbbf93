using System.Text;
using Confluent.Kafka;
using Samsa.Broker.Mini;
using Samsa.Testing;

namespace Samsa.Consumer.Tests;

/// <summary>A broker for a test: in-process Broker.Mini (over TCP) or librdkafka's mock cluster.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly MiniCluster? _mini;
    private readonly LibrdkafkaMockCluster? _mock;

    private TestBroker(MiniCluster? mini, LibrdkafkaMockCluster? mock)
    {
        _mini = mini;
        _mock = mock;
        BootstrapServers = mini?.BootstrapServers ?? mock!.BootstrapServers;
    }

    public string BootstrapServers { get; }

    public MiniCluster? Mini => _mini;

    public LibrdkafkaMockCluster? Mock => _mock;

    public static async Task<TestBroker> StartAsync(string kind, int brokers = 1)
    {
        if (kind == "mock") return new TestBroker(null, new LibrdkafkaMockCluster(brokers));
        var mini = await MiniCluster.StartAsync(new MiniClusterOptions
        {
            Brokers = brokers,
            BrokerConfigs =
            {
                ["offsets.topic.num.partitions"] = "3",
                ["group.initial.rebalance.delay.ms"] = "0",
            },
        });
        return new TestBroker(mini, null);
    }

    public async Task CreateTopicAsync(string name, int partitions)
    {
        if (_mini is not null) await _mini.CreateTopicAsync(name, partitions);
        else _mock!.CreateTopic(name, partitions);
    }

    public async ValueTask DisposeAsync()
    {
        if (_mini is not null) await _mini.DisposeAsync();
        _mock?.Dispose();
    }
}

/// <summary>One record as written by a test, to compare with what is consumed.</summary>
internal sealed record SentRecord(int Partition, string? Key, string? Value, long Timestamp, IReadOnlyList<(string Key, string? Value)> Headers);

internal static class TestKit
{
    /// <summary>Generous guard for waits that only fail when something hangs.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>Writes records with Confluent.Kafka (librdkafka) in one producer, synchronously flushed.</summary>
    public static List<SentRecord> ProduceWithConfluent(string bootstrap, string topic, int partitions, int perPartition,
        CompressionType compression = CompressionType.None, bool transactional = false, bool abort = false)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            CompressionType = compression,
            LingerMs = 5,
            EnableIdempotence = transactional,
            TransactionalId = transactional ? "tx-" + Guid.NewGuid().ToString("N") : null,
        };
        using var producer = new ProducerBuilder<string?, string?>(config).Build();
        if (transactional)
        {
            producer.InitTransactions(Guard);
            producer.BeginTransaction();
        }
        var sent = new List<SentRecord>();
        long baseTs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 10_000;
        for (int i = 0; i < perPartition; i++)
        {
            for (int p = 0; p < partitions; p++)
            {
                string? key = i % 7 == 3 ? null : $"k{p}-{i}";
                string? value = i % 11 == 5 ? null : i % 13 == 4 ? "" : $"value-{p}-{i}-" + new string('x', i % 50);
                var headers = new List<(string, string?)>();
                var h = new Confluent.Kafka.Headers();
                if (i % 3 == 0)
                {
                    headers.Add(("h1", $"v{i}"));
                    h.Add("h1", Encoding.UTF8.GetBytes($"v{i}"));
                    headers.Add(("h-null", null));
                    h.Add("h-null", null);
                }
                long ts = baseTs + i;
                producer.Produce(new Confluent.Kafka.TopicPartition(topic, p),
                    new Message<string?, string?> { Key = key, Value = value, Headers = h, Timestamp = new Timestamp(ts, TimestampType.CreateTime) },
                    r => { if (r.Error.IsError) throw new InvalidOperationException(r.Error.Reason); });
                sent.Add(new SentRecord(p, key, value, ts, headers));
            }
        }
        if (transactional)
        {
            if (abort) producer.AbortTransaction(Guard);
            else producer.CommitTransaction(Guard);
        }
        producer.Flush(Guard);
        return sent;
    }

    public static KafkaConsumer<string?, string?> Consumer(string bootstrap, Action<ConsumerOptions>? configure = null, RebalanceHandlers? handlers = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        var options = new ConsumerOptions { BootstrapServers = bootstrap, ClientId = "samsa-test", FetchMaxWaitMs = 100 };
        configure?.Invoke(options);
        var builder = new ConsumerBuilder<string?, string?>(options);
        if (handlers is not null) builder.SetRebalanceHandlers(handlers);
        if (loggers is not null) builder.SetLoggerFactory(loggers);
        return builder.Build();
    }

    /// <summary>Consumes exactly <paramref name="count"/> records (failing on a hang), in arrival order.</summary>
    public static async Task<List<ConsumeResult<string?, string?>>> ConsumeAsync(IKafkaConsumer<string?, string?> consumer, int count)
    {
        using var guard = new CancellationTokenSource(Guard);
        var results = new List<ConsumeResult<string?, string?>>(count);
        while (results.Count < count) results.Add(await consumer.ConsumeAsync(guard.Token));
        return results;
    }

    /// <summary>True when no record arrives within <paramref name="wait"/> (used only to check for absence).</summary>
    public static async Task<ConsumeResult<string?, string?>?> TryConsumeAsync(IKafkaConsumer<string?, string?> consumer, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await consumer.ConsumeAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static IEnumerable<Samsa.TopicPartition> Partitions(string topic, int count) =>
        Enumerable.Range(0, count).Select(p => new Samsa.TopicPartition(topic, p));
}
