using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Client;
using Samsa.Consumer.Assignors;
using Samsa.Consumer.Groups;
using Samsa.Consumer.Internal;
using Samsa.Serialization;

namespace Samsa.Consumer;

/// <summary>Rebalance callbacks, run by the group's background task (the consumer keeps fetching other partitions meanwhile).</summary>
public sealed class RebalanceHandlers
{
    /// <summary>Partitions newly assigned (after their positions are known to the consumer, before fetching starts).</summary>
    public Func<IReadOnlyCollection<TopicPartition>, ValueTask>? Assigned { get; init; }

    /// <summary>Partitions being revoked: commit their offsets here if auto-commit is off. They are still owned during the call.</summary>
    public Func<IReadOnlyCollection<TopicPartition>, ValueTask>? Revoked { get; init; }

    /// <summary>Partitions lost without a clean revocation (session expiry, fencing, <c>max.poll.interval.ms</c>): their offsets can no longer be committed.</summary>
    public Func<IReadOnlyCollection<TopicPartition>, ValueTask>? Lost { get; init; }
}

/// <summary>
/// Samsa's Kafka consumer. See <see cref="IKafkaConsumer{TKey, TValue}"/>. Build one with
/// <see cref="ConsumerBuilder{TKey, TValue}"/> or <c>services.AddKafkaConsumer&lt;TKey, TValue&gt;(...)</c>.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed partial class KafkaConsumer<TKey, TValue> : IKafkaConsumer<TKey, TValue>
{
    private readonly KafkaCluster _cluster;
    private readonly bool _ownsCluster;
    private readonly ConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConsumerState _state = new();
    private readonly Fetcher _fetcher;
    private readonly RecordCursor _cursor;
    private readonly ConsumerMetrics _metrics;
    private readonly IDeserializer<TKey>? _keyDeserializer;
    private readonly IDeserializer<TValue>? _valueDeserializer;
    private readonly IAsyncDeserializer<TKey>? _asyncKeyDeserializer;
    private readonly IAsyncDeserializer<TValue>? _asyncValueDeserializer;
    private readonly GroupOffsets? _groupOffsets;
    private readonly IGroupMember? _group;
    private readonly Dictionary<TopicPartition, TopicPartitionOffset> _stored = new();
    private CancellationTokenSource _wakeup = new();
    private int _closed;

    internal KafkaConsumer(ConsumerOptions options, ConsumerParts<TKey, TValue> parts)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = parts.TimeProvider ?? TimeProvider.System;
        var loggerFactory = parts.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("Samsa.Consumer");
        _keyDeserializer = parts.KeyDeserializer;
        _asyncKeyDeserializer = parts.AsyncKeyDeserializer;
        _valueDeserializer = parts.ValueDeserializer;
        _asyncValueDeserializer = parts.AsyncValueDeserializer;
        if (_keyDeserializer is null && _asyncKeyDeserializer is null) _keyDeserializer = DefaultDeserializers.For<TKey>("key");
        if (_valueDeserializer is null && _asyncValueDeserializer is null) _valueDeserializer = DefaultDeserializers.For<TValue>("value");
        if (parts.Cluster is { } shared) _cluster = shared;
        else
        {
            _cluster = new KafkaCluster(options, loggerFactory, _time, parts.Transport);
            _ownsCluster = true;
        }
        _metrics = new ConsumerMetrics(options.ClientId, Lags);
        _cursor = new RecordCursor(options.CheckCrcs);
        _fetcher = new Fetcher(_cluster, options, _state, _metrics, _logger, _time);
        if (options.GroupId is { } groupId)
        {
            _groupOffsets = new GroupOffsets(_cluster, groupId, options.GroupInstanceId, _metrics, _time);
            var handlers = parts.Rebalance ?? new RebalanceHandlers();
            _group = options.GroupProtocol == GroupProtocol.Consumer
                ? new ConsumerGroupMember(_cluster, options, _state, _groupOffsets, handlers, CommittableOffsets, InitializePositions, _metrics, _logger, _time)
                : new ClassicGroup(_cluster, options, _state, _groupOffsets, Assignors(options, parts.Assignors), handlers,
                    CommittableOffsets, InitializePositions, _metrics, _logger, _time);
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<TopicPartition> Assignment
    {
        get
        {
            lock (_state.Gate) return [.. _state.Assigned.Keys];
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> Subscription => _group?.SubscribedTopics ?? [];

    /// <inheritdoc />
    public string MemberId => _group?.MemberId ?? "";

    /// <summary>
    /// The group generation (classic protocol) or member epoch (KIP-848) and member id that commits carry now, or
    /// (-1, "") outside a generation: with <c>group.id</c> and <c>group.instance.id</c>, Java's <c>groupMetadata()</c>,
    /// which transactional offset commits send so that the broker fences zombie members (KIP-447).
    /// </summary>
    public (int GenerationId, string MemberId) GroupIdentity => _group?.CommitIdentity ?? (-1, "");

    /// <summary>The cluster this consumer talks to (shared or owned).</summary>
    public KafkaCluster Cluster => _cluster;

    /// <inheritdoc />
    public void Wakeup()
    {
        var previous = Interlocked.Exchange(ref _wakeup, new CancellationTokenSource());
        previous.Cancel();
    }

    /// <inheritdoc />
    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return;
        try
        {
            if (_group is not null) await _group.CloseAsync(cancellationToken).ConfigureAwait(false);
            else if (_options.EnableAutoCommit && _groupOffsets is not null)
            {
                await _groupOffsets.CommitAsync(CommittableOffsets(null), -1, "", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the consumer (see <see cref="CloseAsync"/>), never throwing for a failed final commit or leave.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.AutoCommitFailed(_logger, e);
        }
    }

    private async ValueTask ShutdownAsync()
    {
        if (_group is not null) await _group.DisposeAsync().ConfigureAwait(false);
        await _fetcher.DisposeAsync().ConfigureAwait(false);
        _state.Complete();
        lock (_state.Gate)
        {
            foreach (var tp in _state.Assigned.Keys.ToList()) _state.Remove(tp);
        }
        while (_state.Ready.TryRead(out var fetch)) fetch.Response?.Release();
        if (_cursor.Current is { } current)
        {
            current.Response?.Release();
            _cursor.Stop();
        }
        _cursor.Dispose();
        _metrics.Dispose();
        if (_ownsCluster) await _cluster.DisposeAsync().ConfigureAwait(false);
    }

    private IEnumerable<(TopicPartition, long)> Lags()
    {
        List<(TopicPartition, long)> lags;
        lock (_state.Gate)
        {
            lags = new List<(TopicPartition, long)>(_state.Assigned.Count);
            foreach (var p in _state.Assigned.Values)
            {
                long end = _options.IsolationLevel == IsolationLevel.ReadCommitted ? p.LastStableOffset : p.HighWatermark;
                if (end >= 0 && p.Position >= 0) lags.Add((p.TopicPartition, Math.Max(0, end - p.Position)));
            }
        }
        return lags;
    }

    private static List<IConsumerPartitionAssignor> Assignors(ConsumerOptions options, IReadOnlyList<IConsumerPartitionAssignor>? custom)
    {
        var list = new List<IConsumerPartitionAssignor>();
        foreach (var name in options.AssignorNames)
        {
            IConsumerPartitionAssignor? assignor = custom?.FirstOrDefault(a => a.Name == name) ?? name switch
            {
                "range" => new RangeAssignor(),
                "roundrobin" => new RoundRobinAssignor(),
                "sticky" => new StickyAssignor(),
                "cooperative-sticky" => new CooperativeStickyAssignor(),
                _ => null,
            };
            if (assignor is null) throw new ArgumentException($"Invalid Kafka configuration 'partition.assignment.strategy': unknown assignor '{name}'.");
            list.Add(assignor);
        }
        return list;
    }
}

/// <summary>What a builder hands to the consumer besides its options.</summary>
internal sealed class ConsumerParts<TKey, TValue>
{
    public IDeserializer<TKey>? KeyDeserializer { get; set; }
    public IDeserializer<TValue>? ValueDeserializer { get; set; }
    public IAsyncDeserializer<TKey>? AsyncKeyDeserializer { get; set; }
    public IAsyncDeserializer<TValue>? AsyncValueDeserializer { get; set; }
    public ILoggerFactory? LoggerFactory { get; set; }
    public TimeProvider? TimeProvider { get; set; }
    public Client.Connections.IKafkaTransport? Transport { get; set; }
    public KafkaCluster? Cluster { get; set; }
    public RebalanceHandlers? Rebalance { get; set; }
    public IReadOnlyList<IConsumerPartitionAssignor>? Assignors { get; set; }
}
