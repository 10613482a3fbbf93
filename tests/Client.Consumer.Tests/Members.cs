using System.Collections.Concurrent;
using CK = Confluent.Kafka;

namespace Samsa.Consumer.Tests;

/// <summary>A group member of either client that the group tests can observe.</summary>
internal interface IMember : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The partitions the member owns right now.</summary>
    IReadOnlyCollection<int> Owned { get; }

    /// <summary>Every partition ever revoked from (or lost by) the member.</summary>
    ConcurrentQueue<int> Revoked { get; }

    /// <summary>(partition, offset) of every record consumed.</summary>
    ConcurrentQueue<(int Partition, long Offset)> Consumed { get; }

    /// <summary>Commits the consumed positions, then closes (leaving the group unless static).</summary>
    Task StopAsync(bool commit);
}

/// <summary>A Samsa consumer in a group, consuming on a background task.</summary>
internal sealed class SamsaMember : IMember
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _stalled;

    public SamsaMember(string name, string bootstrap, string groupId, string topic, string strategy, string? instanceId = null,
        Action<ConsumerOptions>? configure = null)
    {
        Name = name;
        var handlers = new RebalanceHandlers
        {
            Revoked = parts => { foreach (var tp in parts) Revoked.Enqueue(tp.Partition); return ValueTask.CompletedTask; },
            Lost = parts => { foreach (var tp in parts) Revoked.Enqueue(tp.Partition); LostCount++; return ValueTask.CompletedTask; },
        };
        Consumer = TestKit.Consumer(bootstrap, o =>
        {
            o.GroupId = groupId;
            o.GroupInstanceId = instanceId;
            o.PartitionAssignmentStrategy = strategy;
            o.AutoOffsetReset = AutoOffsetReset.Earliest;
            o.EnableAutoCommit = false;
            o.SessionTimeoutMs = 10_000;
            o.HeartbeatIntervalMs = 500;
            o.MetadataMaxAgeMs = 2_000;
            configure?.Invoke(o);
        }, handlers);
        Consumer.Subscribe([topic]);
        _loop = Task.Run(RunAsync);
    }

    public string Name { get; }

    public KafkaConsumer<string?, string?> Consumer { get; }

    public IReadOnlyCollection<int> Owned => Consumer.Assignment.Select(tp => tp.Partition).ToList();

    public ConcurrentQueue<int> Revoked { get; } = new();

    public ConcurrentQueue<(int Partition, long Offset)> Consumed { get; } = new();

    public ConcurrentQueue<Exception> Errors { get; } = new();

    public int LostCount;

    /// <summary>Stops calling consume (simulates an application stuck in processing).</summary>
    public void Stall() => _stalled = true;

    /// <summary>Calls consume again.</summary>
    public void Unstall() => _stalled = false;

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_stalled)
            {
                await Task.Delay(50);
                continue;
            }
            try
            {
                using var slice = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                slice.CancelAfter(200);
                var r = await Consumer.ConsumeAsync(slice.Token);
                Consumed.Enqueue((r.Partition, r.Offset));
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                Errors.Enqueue(e);
            }
        }
    }

    public async Task StopAsync(bool commit)
    {
        _stop.Cancel();
        await _loop;
        if (commit) await Consumer.CommitAsync();
        await Consumer.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(false);
        await Consumer.DisposeAsync();
    }
}

/// <summary>A Confluent.Kafka consumer in a group; every librdkafka call stays on its own thread.</summary>
internal sealed class ConfluentGroupMember : IMember
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile int[] _owned = [];
    private volatile bool _commitOnStop;

    public ConfluentGroupMember(string name, string bootstrap, string groupId, string topic, string strategy, string? instanceId = null)
    {
        Name = name;
        var config = new CK.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = groupId,
            GroupInstanceId = instanceId,
            AutoOffsetReset = CK.AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 500,
            TopicMetadataRefreshIntervalMs = 2_000,
            PartitionAssignmentStrategy = strategy == "range" ? CK.PartitionAssignmentStrategy.Range : CK.PartitionAssignmentStrategy.CooperativeSticky,
        };
        _loop = Task.Factory.StartNew(() => Run(config, topic), TaskCreationOptions.LongRunning);
    }

    public string Name { get; }

    public IReadOnlyCollection<int> Owned => _owned;

    public ConcurrentQueue<int> Revoked { get; } = new();

    public ConcurrentQueue<(int Partition, long Offset)> Consumed { get; } = new();

    private void Run(CK.ConsumerConfig config, string topic)
    {
        using var consumer = new CK.ConsumerBuilder<CK.Ignore, string>(config)
            .SetPartitionsRevokedHandler((_, parts) => { foreach (var p in parts) Revoked.Enqueue(p.Partition.Value); })
            .SetPartitionsLostHandler((_, parts) => { foreach (var p in parts) Revoked.Enqueue(p.Partition.Value); })
            .Build();
        consumer.Subscribe(topic);
        while (!_stop.IsCancellationRequested)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is { IsPartitionEOF: false, Message: not null }) Consumed.Enqueue((r.Partition.Value, r.Offset.Value));
            _owned = consumer.Assignment.Select(tp => tp.Partition.Value).ToArray();
        }
        if (_commitOnStop) consumer.Commit();
        consumer.Close();
        _owned = [];
    }

    public async Task StopAsync(bool commit)
    {
        _commitOnStop = commit;
        _stop.Cancel();
        await _loop.WaitAsync(TestKit.Guard);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(false);
    }
}

internal static class Group
{
    /// <summary>Waits (hang guard only) until the members own every partition exactly once, evenly.</summary>
    public static async Task WaitBalancedAsync(IReadOnlyList<IMember> members, int partitions)
    {
        var deadline = DateTime.UtcNow + TestKit.Guard;
        while (true)
        {
            if (IsBalanced(members, partitions)) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Not balanced: " + string.Join("; ", members.Select(m => $"{m.Name}=[{string.Join(",", m.Owned.Order())}]")));
            await Task.Delay(100);
        }
    }

    public static bool IsBalanced(IReadOnlyList<IMember> members, int partitions)
    {
        var owned = members.Select(m => m.Owned.ToList()).ToList();
        var all = owned.SelectMany(o => o).ToList();
        if (all.Count != partitions || all.Distinct().Count() != partitions) return false;
        int min = partitions / members.Count;
        int max = min + (partitions % members.Count == 0 ? 0 : 1);
        return owned.All(o => o.Count >= min && o.Count <= max);
    }
}
