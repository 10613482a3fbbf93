using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>
/// A Confluent.Kafka consumer running its poll loop on its own thread (all librdkafka calls stay on that thread).
/// Records every consumed value; <see cref="StopAsync"/> optionally commits, then closes (leaving the group).
/// </summary>
internal sealed class ConfluentMember : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _commitOnStop;
    private volatile bool _closeOnStop = true;

    public ConfluentMember(string bootstrap, string groupId, string topic, string strategy, string? instanceId = null, int sessionTimeoutMs = 10_000, bool autoCommit = false)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = autoCommit,
            AutoCommitIntervalMs = 200,
            SessionTimeoutMs = sessionTimeoutMs,
            HeartbeatIntervalMs = 500,
            PartitionAssignmentStrategy = strategy switch
            {
                "range" => PartitionAssignmentStrategy.Range,
                "roundrobin" => PartitionAssignmentStrategy.RoundRobin,
                _ => PartitionAssignmentStrategy.CooperativeSticky,
            },
            GroupInstanceId = instanceId,
            TopicMetadataRefreshIntervalMs = 1000,
        };
        _loop = Task.Factory.StartNew(() => Run(config, topic), TaskCreationOptions.LongRunning);
    }

    private volatile TaskCompletionSource? _commitRequest;

    public ConcurrentQueue<(int Partition, long Offset, string Value)> Consumed { get; } = new();

    /// <summary>Commits the consumed positions from the poll thread (synchronously, as the application would).</summary>
    public Task CommitAsync()
    {
        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _commitRequest = request;
        return request.Task.WaitAsync(GroupKit.Guard);
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
                    request.TrySetResult(); // Nothing consumed since the last commit.
                }
                catch (KafkaException ex)
                {
                    request.TrySetException(ex);
                }
            }
        }
        if (_commitOnStop && consumer.Assignment.Count > 0)
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException ex) when (ex.Error.Code == Confluent.Kafka.ErrorCode.Local_NoOffset)
            {
                // Nothing consumed since the last commit.
            }
        }
        if (_closeOnStop) consumer.Close();
    }

    /// <summary>Stops polling; commits the consumed positions when asked, then leaves the group (or vanishes without leaving).</summary>
    public async Task StopAsync(bool commit = false, bool close = true)
    {
        _commitOnStop = commit;
        _closeOnStop = close;
        await _stop.CancelAsync();
        await _loop.WaitAsync(GroupKit.Guard);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
