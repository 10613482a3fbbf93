using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Samsa.Admin.Tests;

/// <summary>A Confluent.Kafka 1.9.3 consumer polling on its own thread (librdkafka calls stay on it); commits on request and on stop.</summary>
internal sealed class ConfluentConsumer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile TaskCompletionSource? _commitRequest;

    public ConfluentConsumer(string bootstrap, string groupId, string topic, string clientId = "confluent-admin-test")
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = groupId,
            ClientId = clientId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 500,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            TopicMetadataRefreshIntervalMs = 1000,
        };
        _loop = Task.Factory.StartNew(() => Run(config, topic), TaskCreationOptions.LongRunning);
    }

    public ConcurrentQueue<(int Partition, long Offset, string Value)> Consumed { get; } = new();

    /// <summary>Commits the consumed positions from the poll thread; nothing to commit is not an error.</summary>
    public Task CommitAsync()
    {
        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _commitRequest = request;
        return request.Task.WaitAsync(AdminKit.Guard);
    }

    private void Run(ConsumerConfig config, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
        consumer.Subscribe(topic);
        while (!_stop.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false, Message: not null }) Consumed.Enqueue((result.Partition.Value, result.Offset.Value, result.Message.Value));
            if (Interlocked.Exchange(ref _commitRequest, null) is { } request)
            {
                try
                {
                    consumer.Commit();
                    request.TrySetResult();
                }
                catch (KafkaException ex) when (ex.Error.Code == Confluent.Kafka.ErrorCode.Local_NoOffset)
                {
                    // Nothing consumed on the current assignment yet (for example just after a rebalance).
                    request.TrySetResult();
                }
                catch (KafkaException ex)
                {
                    request.TrySetException(ex);
                }
            }
        }
        consumer.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop.WaitAsync(AdminKit.Guard);
        _stop.Dispose();
    }

    public static async Task ProduceAsync(string bootstrap, string topic, int count, int partitions)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build();
        for (int i = 0; i < count; i++)
            await producer.ProduceAsync(new Confluent.Kafka.TopicPartition(topic, new Partition(i % partitions)), new Message<Null, string> { Value = $"v{i}" });
    }
}
