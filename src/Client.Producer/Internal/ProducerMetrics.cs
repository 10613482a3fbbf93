using System.Diagnostics.Metrics;

namespace Samsa.Producer.Internal;

/// <summary>
/// The <c>Samsa.Producer</c> meter with Kafka's producer metric names: record-send-rate (records-sent counter),
/// batch-size-avg (histogram), compression-rate (histogram of compressed/uncompressed), request-latency (histogram, ms),
/// buffer-available-bytes (gauge), record-error-rate and record-retry-rate (counters). Instruments are static (one
/// meter per process); each producer contributes its own buffer gauge via <see cref="Register"/>.
/// </summary>
internal sealed class ProducerMetrics
{
    public const string MeterName = "Samsa.Producer";

    private static readonly Meter Meter = new(MeterName, typeof(ProducerMetrics).Assembly.GetName().Version?.ToString());
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("record-send-rate", "{record}", "Records acknowledged (rate: per second).");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("batch-size-avg", "By", "Bytes per batch sent.");
    private static readonly Histogram<double> Compression = Meter.CreateHistogram<double>("compression-rate", "1", "Compressed size over uncompressed size per batch.");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("request-latency", "ms", "Produce request round trip.");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("record-error-rate", "{record}", "Records that failed.");
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("record-retry-rate", "{record}", "Records retried.");
    private static readonly List<WeakReference<BufferPool>> Pools = [];

    static ProducerMetrics()
    {
        Meter.CreateObservableGauge("buffer-available-bytes", ObserveBuffers, "By", "buffer.memory not in use.");
    }

    /// <summary>Adds a producer's buffer pool to the buffer-available-bytes gauge.</summary>
    public void Register(BufferPool pool)
    {
        lock (Pools) Pools.Add(new WeakReference<BufferPool>(pool));
    }

    public void RecordsSent(int count)
    {
        if (Sent.Enabled) Sent.Add(count);
    }

    public void BatchEncoded(int uncompressed, int compressed, int records)
    {
        if (BatchSize.Enabled) BatchSize.Record(compressed);
        if (Compression.Enabled && uncompressed > 0) Compression.Record(compressed / (double)uncompressed);
    }

    public void RequestLatency(double ms)
    {
        if (Latency.Enabled) Latency.Record(ms);
    }

    public void RecordErrors(int count)
    {
        if (Errors.Enabled) Errors.Add(count);
    }

    public void RecordRetries(int count)
    {
        if (Retries.Enabled) Retries.Add(count);
    }

    private static IEnumerable<Measurement<long>> ObserveBuffers()
    {
        var result = new List<Measurement<long>>();
        lock (Pools)
        {
            Pools.RemoveAll(w => !w.TryGetTarget(out _));
            foreach (var weak in Pools)
            {
                if (weak.TryGetTarget(out var pool)) result.Add(new Measurement<long>(pool.AvailableBytes));
            }
        }
        return result;
    }
}
