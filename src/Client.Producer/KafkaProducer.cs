using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Producer.Internal;
using Samsa.Producer.Partitioning;
using Samsa.Protocol;
using Samsa.Serialization;

namespace Samsa.Producer;

/// <summary>
/// The Kafka producer. Records are serialized on the calling thread straight into per-partition batches
/// (the accumulator); one background sender drains ready batches into one ProduceRequest per broker. Idempotent by
/// default; transactional with <c>transactional.id</c>. Build one with <see cref="ProducerBuilder{TKey,TValue}"/> or
/// <c>services.AddKafkaProducer</c>, share it between threads, and dispose it to flush and close.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed partial class KafkaProducer<TKey, TValue> : IKafkaProducer<TKey, TValue>, IDeliverySink
{
    private readonly ProducerOptions _options;
    private readonly KafkaCluster _cluster;
    private readonly bool _ownsCluster;
    private readonly ISerializer<TKey>? _keySerializer;
    private readonly ISerializer<TValue>? _valueSerializer;
    private readonly bool _rawKeys, _rawValues; // the built-in byte-array serializer: append the caller's arrays as they are
    private readonly IAsyncSerializer<TKey>? _asyncKeySerializer;
    private readonly IAsyncSerializer<TValue>? _asyncValueSerializer;
    private readonly IPartitioner _partitioner;
    private readonly StickyPartitioner _sticky;
    private readonly bool _alwaysSticky;
    private readonly bool _nullKeysSticky;
    private readonly RecordAccumulator _accumulator;
    private readonly TopicRegistry _topics;
    private readonly Sender _sender;
    private readonly TransactionManager? _transactions;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxBlock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _flushGate = new();
    private readonly List<TaskCompletionSource> _flushWaiters = [];
    private TopicState? _lastTopic;
    private int _disposed;

    internal KafkaProducer(ProducerOptions options, KafkaCluster? cluster, ISerializer<TKey>? keySerializer, ISerializer<TValue>? valueSerializer,
        IAsyncSerializer<TKey>? asyncKeySerializer, IAsyncSerializer<TValue>? asyncValueSerializer, ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider, IKafkaTransport? transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Samsa.Producer");
        _ownsCluster = cluster is null;
        _cluster = cluster ?? new KafkaCluster(options, loggerFactory, _time, transport);
        _keySerializer = keySerializer ?? (asyncKeySerializer is null ? DefaultSerializer<TKey>() : null);
        _valueSerializer = valueSerializer ?? (asyncValueSerializer is null ? DefaultSerializer<TValue>() : null);
        _rawKeys = ReferenceEquals(_keySerializer, Serializers.ByteArray);
        _rawValues = ReferenceEquals(_valueSerializer, Serializers.ByteArray);
        _asyncKeySerializer = asyncKeySerializer;
        _asyncValueSerializer = asyncValueSerializer;
        _partitioner = options.ResolvePartitioner();
        // Decided once: whether records skip the partitioner (keys ignored, or null keys with Kafka's default).
        _alwaysSticky = options.PartitionerIgnoreKeys && options.Partitioner is null && options.PartitionerClass is null;
        _nullKeysSticky = ReferenceEquals(_partitioner, Partitioners.Default);
        _sticky = new StickyPartitioner(Math.Max(options.BatchSize, 1));
        _maxBlock = TimeSpan.FromMilliseconds(options.MaxBlockMs);
        var metrics = new ProducerMetrics();
        var pool = new BufferPool(options.BufferMemory, _time);
        metrics.Register(pool);
        _topics = new TopicRegistry(_cluster, _time, _stopping.Token);
        Sender? sender = null;
        _accumulator = new RecordAccumulator(options.BatchSize, options.Compression, options.CompressionLevel, pool, _time, () => sender!.Wake());
        _accumulator.AllComplete += OnAllComplete;
        if (options.TransactionalId is not null) _transactions = new TransactionManager(options, _cluster, logger, _time);
        sender = new Sender(options, _cluster, _accumulator, _topics, this, _transactions, metrics, logger, _time)
        {
            AdaptiveSticky = options.PartitionerAdaptivePartitioningEnable ? _sticky : null,
        };
        _sender = sender;
        _sender.Start();
    }

    /// <summary>The producer's options.</summary>
    public ProducerOptions Options => _options;

    /// <summary>The cluster client the producer uses.</summary>
    public KafkaCluster Cluster => _cluster;

    /// <summary>Bytes of <c>buffer.memory</c> not in use.</summary>
    public long BufferAvailableBytes => _accumulator.Pool.AvailableBytes;

    /// <inheritdoc />
    public void Produce(string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null) =>
        ProduceCore(topic, message.Partition ?? -1, message, deliveryHandler);

    /// <inheritdoc />
    public void Produce(TopicPartition topicPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null) =>
        ProduceCore(topicPartition.Topic, topicPartition.Partition, message, deliveryHandler);

    // The per-record path is compiled fully optimized at once: a benchmark-length run otherwise spends much of its CPU
    // in tier-0 and instrumented code of these methods before tier 1 arrives.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProduceCore(string topic, int explicitPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? handler)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        if (_keySerializer is null || _valueSerializer is null)
            throw new InvalidOperationException("This producer has asynchronous serializers: use ProduceAsync.");
        _transactions?.EnsureCanProduce();
        var state = TopicFor(topic);
        if (state.Partitions.Length == 0 || state.Error is not null) WaitForMetadata(state);
        var headers = message.Headers;
        var activity = ProducerDiagnostics.StartPublish(topic, ref headers, _options.ClientId);
        if (activity is not null) message.Headers = headers;
        long timestamp = message.Timestamp.IsDefault ? _time.GetUtcNow().ToUnixTimeMilliseconds() : message.Timestamp.UnixTimestampMs;
        var scratch = ScratchWriter.Rent();
        bool keyIsNull, valueIsNull;
        int keyLength = 0;
        byte[]? rawKey = null, rawValue = null;
        try
        {
            // Byte arrays with the built-in serializer are appended from the caller's array, not copied through scratch.
            if (_rawKeys) keyIsNull = (rawKey = (byte[]?)(object?)message.Key) is null;
            else
            {
                keyIsNull = !_keySerializer.Serialize(message.Key, scratch, new SerializationContext(topic, MessageComponent.Key, headers));
                keyLength = scratch.WrittenCount;
            }
            if (_rawValues) valueIsNull = (rawValue = (byte[]?)(object?)message.Value) is null;
            else valueIsNull = !_valueSerializer.Serialize(message.Value, scratch, new SerializationContext(topic, MessageComponent.Value, headers));
        }
        catch (Exception e) when (e is not SerializationException)
        {
            activity?.Stop();
            throw new SerializationException($"Serializing the record for '{topic}' failed: {e.Message}", e);
        }
        var key = _rawKeys ? rawKey.AsSpan() : scratch.Slice(0, keyLength);
        var value = _rawValues ? rawValue.AsSpan() : scratch.Slice(keyLength, scratch.WrittenCount - keyLength);
        var meta = new RecordMeta { Handler = handler, Message = message, Timestamp = timestamp, Activity = activity };
        int reserved = 0;
        Append(state, explicitPartition, timestamp, key, keyIsNull, value, valueIsNull, headers, ref meta, ref reserved, block: true);
    }

    /// <summary>
    /// Chooses the partition and encodes the record into its batch. When buffer space is short it blocks
    /// (<paramref name="block"/>) up to max.block.ms, or returns the bytes to reserve first (0 means appended).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Append(TopicState state, int explicitPartition, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull,
        ReadOnlySpan<byte> value, bool valueIsNull, Headers? headers, ref RecordMeta meta, ref int reserved, bool block)
    {
        var recordHeaders = HeaderConverter.Convert(headers, out int headerBytes);
        int partitionCount = state.Partitions.Length;
        bool sticky = false;
        int partition = explicitPartition;
        if (partition < 0)
        {
            partition = _alwaysSticky || (keyIsNull && _nullKeysSticky)
                ? Partitioners.UseSticky
                : _partitioner.Partition(state.Name, key, keyIsNull, partitionCount);
            if (partition == Partitioners.UseSticky)
            {
                sticky = true;
                partition = _sticky.Current(state.Sticky ??= _sticky.For(state.Name), partitionCount, state.Available);
            }
        }
        if ((uint)partition >= (uint)partitionCount)
            throw new KafkaException(ErrorCode.UnknownTopicOrPartition, $"Partition {partition} of '{state.Name}' does not exist ({partitionCount} partitions).");
        int size = RecordAccumulator.RecordOverhead + (keyIsNull ? 0 : key.Length) + (valueIsNull ? 0 : value.Length) + headerBytes;
        if (size + Protocol.Records.RecordBatchHeader.Size > _options.MaxRequestSize)
            throw new KafkaException(ErrorCode.MessageTooLarge, $"The record is {size} bytes, more than max.request.size ({_options.MaxRequestSize}).");
        var queue = state.Partitions[partition];
        long start = 0;
        while (true)
        {
            var status = _accumulator.TryAppend(queue, timestamp, key, keyIsNull, value, valueIsNull, recordHeaders, headerBytes, meta,
                ref reserved, out int needBytes, out bool batchFull);
            if (status == AppendStatus.Appended)
            {
                if (sticky) _sticky.OnAppended(state.Sticky!, partition, size, batchFull, partitionCount, state.Available);
                return 0;
            }
            if (!block) return needBytes;
            if (start == 0) start = _time.GetTimestamp();
            var left = _maxBlock - _time.GetElapsedTime(start);
            try
            {
                _accumulator.Pool.Reserve(needBytes, left < TimeSpan.Zero ? TimeSpan.Zero : left);
            }
            catch
            {
                meta.Activity?.Stop();
                throw;
            }
            reserved = needBytes;
        }
    }

    private TopicState TopicFor(string topic)
    {
        var last = _lastTopic;
        if (last is not null && ReferenceEquals(last.Name, topic)) return last;
        var state = _topics.Get(topic);
        _lastTopic = state;
        return state;
    }

    private void WaitForMetadata(TopicState state)
    {
        if (!state.Ready.Task.IsCompleted && !((IAsyncResult)state.Ready.Task).AsyncWaitHandle.WaitOne(_maxBlock))
            throw new KafkaTimeoutException($"Topic '{state.Name}' not present in metadata after max.block.ms ({_options.MaxBlockMs} ms).", ErrorCode.UnknownTopicOrPartition);
        if (state.Error is { } error) throw error;
    }

    private async ValueTask WaitForMetadataAsync(TopicState state, CancellationToken cancellationToken)
    {
        if (!state.Ready.Task.IsCompleted)
        {
            try
            {
                await state.Ready.Task.WaitAsync(_maxBlock, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new KafkaTimeoutException($"Topic '{state.Name}' not present in metadata after max.block.ms ({_options.MaxBlockMs} ms).", ErrorCode.UnknownTopicOrPartition);
            }
        }
        if (state.Error is { } error) throw error;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private static ISerializer<T>? DefaultSerializer<T>()
    {
        object? serializer = typeof(T) == typeof(string) ? Serializers.Utf8
            : typeof(T) == typeof(byte[]) ? Serializers.ByteArray
            : typeof(T) == typeof(Null) ? Serializers.Null
            : typeof(T) == typeof(int) ? Serializers.Int32
            : typeof(T) == typeof(long) ? Serializers.Int64
            : typeof(T) == typeof(float) ? Serializers.Single
            : typeof(T) == typeof(double) ? Serializers.Double
            : null;
        return serializer as ISerializer<T>
            ?? throw new InvalidOperationException($"No default serializer for {typeof(T).Name}; set one on the builder.");
    }
}
