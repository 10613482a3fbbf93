using Samsa.Producer;
using Samsa.Streams.Internals;

namespace Samsa.Streams.Runtime;

/// <summary>
/// A stream thread's <see cref="IRecordCollector"/> over its producer. Sends are asynchronous; the first delivery
/// failure is kept and thrown by <see cref="FlushAsync"/> (so a commit never covers lost output). The highest
/// written offset of every partition is tracked, which the thread turns into changelog checkpoints. Under
/// exactly-once, <paramref name="beforeSend"/> begins the thread's transaction on the first send.
/// </summary>
internal sealed class RecordCollector(Func<string, int?> partitionCount, Action beforeSend) : IRecordCollector
{
    private readonly object _sync = new();
    private readonly Dictionary<TopicPartition, long> _written = new();
    private Exception? _error;

    public IKafkaProducer<byte[]?, byte[]?>? Producer { get; set; }

    public void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp)
    {
        ThrowIfFailed();
        var producer = Producer ?? throw new InvalidOperationException("The stream thread has no producer.");
        beforeSend();
        var message = new Message<byte[]?, byte[]?>
        {
            Key = key,
            Value = value,
            Headers = headers,
            Timestamp = new Timestamp(timestamp),
            Partition = partition,
        };
        producer.Produce(topic, message, OnDelivery);
    }

    public int? PartitionCount(string topic) => partitionCount(topic);

    /// <summary>Sends everything buffered, waits for the acknowledgements and throws the first failure.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Producer is { } producer) await producer.FlushAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfFailed();
    }

    /// <summary>The next offset after the last record written to <paramref name="partition"/>, if any was.</summary>
    public long? NextOffset(TopicPartition partition)
    {
        lock (_sync) return _written.TryGetValue(partition, out long offset) ? offset + 1 : null;
    }

    /// <summary>Forgets a failure after the thread handled it (for example by aborting the transaction).</summary>
    public void Reset()
    {
        lock (_sync) _error = null;
    }

    private void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
    {
        lock (_sync)
        {
            if (report.IsError)
            {
                _error ??= report.Exception;
                return;
            }
            var tp = new TopicPartition(report.Topic, report.Partition);
            if (!_written.TryGetValue(tp, out long last) || report.Offset > last) _written[tp] = report.Offset;
        }
    }

    private void ThrowIfFailed()
    {
        Exception? error;
        lock (_sync) error = _error;
        if (error is not null) throw new StreamsException($"A record could not be sent: {error.Message}", error);
    }
}
